package netlab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// LabConfig configures a Lab.
type LabConfig struct {
	History int  // events kept in the log; default 5000
	Step    bool // start in step mode
}

// Lab owns the actors of one scenario (a server and its clients), the event
// log and the step gate. Every method returns at once: socket calls happen in
// the actors' goroutines, and their results arrive as events in Log.
type Lab struct {
	Log  *Log
	Gate *Gate

	ctx    context.Context
	cancel context.CancelFunc
	reg    *registry
	wg     sync.WaitGroup

	mu         sync.Mutex
	server     *Server
	serverErr  error
	listening  chan struct{} // closed once the server listens (or failed)
	clients    []*LabClient
	nextClient int
	blocked    map[blockKey]Event
	closed     bool
}

type blockKey struct {
	actor string
	fd    int
	call  string
}

// NewLab returns an empty lab.
func NewLab(cfg LabConfig) *Lab {
	if cfg.History <= 0 {
		cfg.History = 5000
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Lab{Log: NewLog(cfg.History), ctx: ctx, cancel: cancel, reg: &registry{},
		listening: make(chan struct{}), blocked: map[blockKey]Event{}}
	l.Gate = NewGate(nil)
	l.Gate.OnWait(func(c Call) {
		l.Log.Emit(Event{Kind: KindPending, Actor: c.Actor, Call: c.Name, Args: c.Args, FD: c.FD, Result: -1, Note: Explain(c.Name)})
	})
	if cfg.Step {
		l.Gate.SetStep(true)
	}
	return l
}

// Emit records an event, keeping the set of calls blocked in the kernel.
func (l *Lab) Emit(e Event) {
	k := blockKey{e.Actor, e.FD, e.Call}
	switch e.Kind {
	case KindBlocked:
		l.mu.Lock()
		l.blocked[k] = e
		l.mu.Unlock()
	case KindCall:
		l.mu.Lock()
		delete(l.blocked, k)
		l.mu.Unlock()
	}
	l.Log.Emit(e)
}

// Tracer returns the tracer for one of the lab's actors.
func (l *Lab) Tracer(actor string) Tracer {
	return Tracer{Actor: actor, Sink: l, Gate: l.Gate, reg: l.reg}
}

// Context is cancelled when the lab closes.
func (l *Lab) Context() context.Context { return l.ctx }

// Blocked returns the calls now blocked inside the kernel.
func (l *Lab) Blocked() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Event, 0, len(l.blocked))
	for _, e := range l.blocked {
		out = append(out, e)
	}
	return out
}

// Pending returns the calls waiting at the step gate, oldest first.
func (l *Lab) Pending() []Call { return l.Gate.Waiting() }

// SetStep switches step mode on or off.
func (l *Lab) SetStep(on bool) { l.Gate.SetStep(on) }

// Stepping reports whether the lab is in step mode.
func (l *Lab) Stepping() bool { return l.Gate.Stepping() }

// Step lets the oldest waiting call run.
func (l *Lab) Step() (Call, bool) { return l.Gate.Step() }

// Snapshot asks the kernel for the state of every socket of the lab.
func (l *Lab) Snapshot() []SockInfo { return l.reg.snapshot() }

// StartServer starts the server actor: it listens, then serves until the lab
// closes. It returns at once; ServerAddr waits for the outcome.
func (l *Lab) StartServer(cfg ServerConfig) error {
	l.mu.Lock()
	if l.server != nil || l.closed {
		l.mu.Unlock()
		return errors.New("lab: server already started")
	}
	l.server = &Server{} // placeholder so a second start is refused
	l.mu.Unlock()
	if cfg.Tracer.Actor == "" {
		cfg.Tracer = l.Tracer("server")
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		srv, err := Listen(l.ctx, cfg)
		l.mu.Lock()
		if err != nil {
			l.server, l.serverErr = nil, err
		} else {
			l.server = srv
		}
		l.mu.Unlock()
		close(l.listening)
		if err != nil {
			return
		}
		_ = srv.Serve(l.ctx)
	}()
	return nil
}

// ServerAddr waits until the server listens and returns the address the
// kernel reports, or the error that stopped it.
func (l *Lab) ServerAddr(ctx context.Context) (netip.AddrPort, error) {
	select {
	case <-l.listening:
	case <-ctx.Done():
		return netip.AddrPort{}, ctx.Err()
	case <-l.ctx.Done():
		return netip.AddrPort{}, errors.New("lab closed")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.serverErr != nil {
		return netip.AddrPort{}, l.serverErr
	}
	return l.server.Addr(), nil
}

// Server returns the running server, or nil.
func (l *Lab) Server() *Server {
	select {
	case <-l.listening:
	default:
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.server
}

// LabClient is a client actor: a goroutine that connects, then performs the
// requests queued with Send, in order, each as real send/recv calls.
type LabClient struct {
	Name    string
	Service string
	lab     *Lab
	reqs    chan []byte
	quit    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	sock    *Socket
	err     error
}

// AddClient starts a client actor named "client N" that connects to the lab's
// server. It returns at once.
func (l *Lab) AddClient(service string) (*LabClient, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil, errors.New("lab closed")
	}
	l.nextClient++
	c := &LabClient{Name: fmt.Sprintf("client %d", l.nextClient), Service: service, lab: l,
		reqs: make(chan []byte, 64), quit: make(chan struct{})}
	l.clients = append(l.clients, c)
	l.mu.Unlock()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		c.run()
	}()
	return c, nil
}

// Clients returns the client actors not yet removed, oldest first.
func (l *Lab) Clients() []*LabClient {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*LabClient(nil), l.clients...)
}

// RemoveClient closes the newest client (its close goes through the gate
// like any call) and returns it, or nil when there is none.
func (l *Lab) RemoveClient() *LabClient {
	l.mu.Lock()
	if len(l.clients) == 0 {
		l.mu.Unlock()
		return nil
	}
	c := l.clients[len(l.clients)-1]
	l.clients = l.clients[:len(l.clients)-1]
	l.mu.Unlock()
	c.Close()
	return c
}

// ErrQueueFull is returned by Send when a client already has many requests
// waiting (in step mode nothing moves until the user steps).
var ErrQueueFull = errors.New("too many requests waiting; step or switch to run mode")

// Send queues one message: echo sends it as is and waits for it to come
// back; calc sends it with a newline and waits for the reply line.
func (c *LabClient) Send(msg []byte) error {
	select {
	case <-c.quit:
		return errors.New(c.Name + " is closed")
	default:
	}
	select {
	case c.reqs <- append([]byte(nil), msg...):
		return nil
	default:
		return ErrQueueFull
	}
}

// Close asks the client to close its socket after the requests before it.
func (c *LabClient) Close() { c.once.Do(func() { close(c.quit) }) }

// Socket returns the client's socket once opened, or nil.
func (c *LabClient) Socket() *Socket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sock
}

// Err returns the error that ended the client, if any.
func (c *LabClient) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *LabClient) fail(err error) {
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

func (c *LabClient) run() {
	l := c.lab
	addr, err := l.ServerAddr(l.ctx)
	if err != nil {
		c.fail(err)
		return
	}
	if !addr.Addr().IsUnspecified() {
		// connect to what the server bound
	} else if FamilyOf(addr.Addr()) == IPv6 {
		addr = netip.AddrPortFrom(netip.IPv6Loopback(), addr.Port())
	} else {
		addr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), addr.Port())
	}
	// The background context keeps cancellation out of each call's hot path;
	// Lab.Close reaches a blocked call by opening the gate and closing the socket.
	bg := context.WithoutCancel(l.ctx)
	s, err := Open(bg, l.Tracer(c.Name), FamilyOf(addr.Addr()), Stream)
	if err != nil {
		c.fail(err)
		return
	}
	c.mu.Lock()
	c.sock = s
	c.mu.Unlock()
	defer s.Close(bg)
	if err := s.Connect(bg, addr); err != nil {
		c.fail(err)
		return
	}
	cl := &Client{S: s, Service: c.Service, Pause: 500 * time.Millisecond}
	for {
		select {
		case <-c.quit:
			return
		case <-l.ctx.Done():
			return
		case msg := <-c.reqs:
			var err error
			if c.Service == Calc {
				_, err = cl.Calc(bg, string(msg))
			} else {
				_, err = cl.Echo(bg, msg)
			}
			if err != nil {
				c.fail(err)
				return
			}
		}
	}
}

// Close stops every actor: the gate opens for good, clients and server close
// their sockets (each close still reported), and Close waits for the
// goroutines to end.
func (l *Lab) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	clients := l.clients
	l.mu.Unlock()
	l.Gate.Open()
	l.cancel()
	for _, c := range clients {
		c.Close()
		if s := c.Socket(); s != nil {
			s.Close(context.Background())
		}
	}
	select {
	case <-l.listening:
		l.mu.Lock()
		srv := l.server
		l.mu.Unlock()
		if srv != nil {
			srv.Close()
		}
	default:
	}
	l.wg.Wait()
}

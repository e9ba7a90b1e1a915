package netlab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/netlab/wire"
)

// LabConfig configures a Lab.
type LabConfig struct {
	History int  // events kept in the log; default 5000
	Step    bool // start in step mode
	// Trace, if set, gets every event the log gets, in the same (causal)
	// order: a TraceWriter for --trace-file. It must not block.
	Trace event.Sink
	// Wire says whether to capture the segments on lo (see WireConfig).
	Wire WireConfig
	// Remote, when set, is a server on another machine (socklab connect):
	// the lab starts no server of its own and its clients connect there.
	// Only the clients' calls are seen; the server's are not.
	Remote netip.AddrPort
}

// Lab owns the actors of one scenario (a server and its clients), the event
// log and the step gate. Every method returns at once: socket calls happen in
// the actors' goroutines, and their results arrive as events in Log.
type Lab struct {
	Log  *event.Log
	Gate *sock.Gate
	seq  *sock.Sequencer

	ctx    context.Context
	cancel context.CancelFunc
	reg    *sock.Registry
	wg     sync.WaitGroup

	mu         sync.Mutex
	server     *service.Server
	serverErr  error
	listening  chan struct{} // closed once the server listens (or failed)
	clients    []*LabClient
	nextClient int
	blocked    map[event.CallID]event.Event
	closed     bool
	trace      event.Sink

	wire    WireStatus
	capture *wire.Capture
	remote  netip.AddrPort
}

// NewLab returns an empty lab.
func NewLab(cfg LabConfig) *Lab {
	if cfg.History <= 0 {
		cfg.History = 5000
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Lab{Log: event.NewLog(cfg.History), ctx: ctx, cancel: cancel, reg: &sock.Registry{},
		listening: make(chan struct{}), blocked: map[event.CallID]event.Event{}, trace: cfg.Trace, remote: cfg.Remote}
	if cfg.Remote.IsValid() {
		close(l.listening) // the server is already there, elsewhere
	}
	l.seq = sock.NewSequencer(event.SinkFunc(l.record))
	l.seq.TrackWoken()
	l.Gate = sock.NewGate(nil)
	l.Gate.OnWait(func(c sock.Call) {
		l.Emit(event.Event{Kind: event.KindPending, Op: c.Op, CallID: c.ID, Role: c.Role, Actor: c.Actor, Text: c.Text,
			FD: c.FD, Args: c.Args, Result: -1, Note: event.Explain(c.Op)})
	})
	if cfg.Step {
		l.Gate.SetStep(true)
	}
	l.startWire(cfg.Wire)
	return l
}

// Emit takes an event from an actor; it reaches Log in causal order.
func (l *Lab) Emit(e event.Event) { l.seq.Emit(e) }

// CallsWoken counts the lab's calls that blocked, were woken by the
// kernel and have not reported yet (sock.Sequencer.Woken).
func (l *Lab) CallsWoken() int { return l.seq.Woken() }

// record files an ordered event: the set of calls blocked in the kernel,
// then the log.
func (l *Lab) record(e event.Event) {
	switch e.Kind {
	case event.KindBlocked:
		l.mu.Lock()
		l.blocked[e.CallID] = e
		l.mu.Unlock()
	case event.KindCall:
		l.mu.Lock()
		delete(l.blocked, e.CallID)
		l.mu.Unlock()
	}
	l.Log.Emit(e)
	if l.trace != nil {
		l.trace.Emit(e)
	}
}

// lab reports a change of the lab itself.
func (l *Lab) lab(op event.Op, actor string, role event.Role, result int, note string) {
	l.Emit(event.Event{Kind: event.KindLab, Op: op, Actor: actor, Role: role, FD: -1, Result: result, Note: note})
}

// Tracer returns the tracer for one of the lab's actors.
func (l *Lab) Tracer(actor string, role event.Role) sock.Tracer {
	return sock.Tracer{Actor: actor, Role: role, Sink: l, Gate: l.Gate, Seq: l.seq, Reg: l.reg}
}

// Context is cancelled when the lab closes.
func (l *Lab) Context() context.Context { return l.ctx }

// Blocked returns the calls now blocked inside the kernel.
func (l *Lab) Blocked() []event.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]event.Event, 0, len(l.blocked))
	for _, e := range l.blocked {
		out = append(out, e)
	}
	return out
}

// Pending returns the calls waiting at the step gate, oldest first.
func (l *Lab) Pending() []sock.Call { return l.Gate.Waiting() }

// SetStep switches step mode on or off, and says so in the log.
func (l *Lab) SetStep(on bool) {
	if on == l.Gate.Stepping() {
		return
	}
	l.Gate.SetStep(on)
	if on {
		l.lab(event.OpStepMode, "lab", event.RoleLab, 1, "step mode on: each call waits for n")
	} else {
		l.lab(event.OpStepMode, "lab", event.RoleLab, 0, "step mode off: calls run freely")
	}
}

// Stepping reports whether the lab is in step mode.
func (l *Lab) Stepping() bool { return l.Gate.Stepping() }

// Step lets the oldest waiting call run.
func (l *Lab) Step() (sock.Call, bool) { return l.Gate.Step() }

// Snapshot asks the kernel for the state of every socket of the lab.
func (l *Lab) Snapshot() []sock.SockInfo { return l.reg.Snapshot() }

// StartServer starts the server actor: it listens, then serves until the lab
// closes. It returns at once; ServerAddr waits for the outcome.
func (l *Lab) StartServer(cfg service.ServerConfig) error {
	l.mu.Lock()
	if l.remote.IsValid() {
		l.mu.Unlock()
		return errors.New("lab: the server is remote (" + l.remote.String() + ")")
	}
	if l.server != nil || l.closed {
		l.mu.Unlock()
		return errors.New("lab: server already started")
	}
	l.server = &service.Server{} // placeholder so a second start is refused
	l.mu.Unlock()
	if cfg.Tracer.Actor == "" {
		cfg.Tracer = l.Tracer("server", event.RoleServer)
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer event.Recover()
		srv, err := service.Listen(l.ctx, cfg)
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
	if l.remote.IsValid() {
		return l.remote, nil
	}
	if l.serverErr != nil {
		return netip.AddrPort{}, l.serverErr
	}
	return l.server.Addr(), nil
}

// Remote is the remote server's address when the lab has one (LabConfig.Remote).
func (l *Lab) Remote() netip.AddrPort { return l.remote }

// Server returns the running server, or nil (always nil for a remote one).
func (l *Lab) Server() *service.Server {
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
// requests queued with Send, in order, each as real send/recv calls. When its
// connection ends for any reason it closes its socket, says why in the log
// (KindLab, OpActorEnd) and leaves the lab's client list.
type LabClient struct {
	Name    string
	Service string
	lab     *Lab
	reqs    chan []byte
	quit    chan struct{}
	ended   chan struct{} // closed when run has returned
	once    sync.Once
	mu      sync.Mutex
	sock    *sock.Socket
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
		reqs: make(chan []byte, 64), quit: make(chan struct{}), ended: make(chan struct{})}
	l.clients = append(l.clients, c)
	l.mu.Unlock()
	l.lab(event.OpActorStart, c.Name, event.RoleClient, 0, c.Name+" started")
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer close(c.ended)
		defer event.Recover()
		err := c.run()
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		l.forget(c)
		l.lab(event.OpActorEnd, c.Name, event.RoleClient, 0, c.Name+" ended: "+endReason(err))
	}()
	return c, nil
}

// endReason says in words why a client ended.
func endReason(err error) string {
	switch {
	case err == nil:
		return "closed as asked"
	case errors.Is(err, service.ErrClosedByPeer):
		return "the server closed the connection (recv returned 0)"
	}
	var ce *sock.CallError
	if errors.As(err, &ce) && ce.Errno != 0 {
		return fmt.Sprintf("%s failed with %s (%s)", ce.Call, event.ErrnoName(ce.Errno), ce.Errno.Error())
	}
	return err.Error()
}

// forget takes c off the client list.
func (l *Lab) forget(c *LabClient) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, x := range l.clients {
		if x == c {
			l.clients = append(l.clients[:i:i], l.clients[i+1:]...)
			return
		}
	}
}

// Clients returns the client actors still running, oldest first.
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
	l.mu.Unlock()
	c.Close()
	return c
}

// ErrQueueFull is returned by Send when a client already has many requests
// waiting (in step mode nothing moves until the user steps).
var ErrQueueFull = errors.New("too many requests waiting; step or switch to run mode")

// Send queues one message: echo sends it as is and waits for it to come
// back; calc sends it with a newline and waits for the reply line. A client
// that has ended returns why.
func (c *LabClient) Send(msg []byte) error {
	select {
	case <-c.ended:
		return fmt.Errorf("%s has ended: %s", c.Name, endReason(c.Err()))
	case <-c.quit:
		return errors.New(c.Name + " is closing")
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

// Ended is closed once the client has closed its socket and left the lab.
func (c *LabClient) Ended() <-chan struct{} { return c.ended }

// Socket returns the client's socket once opened, or nil.
func (c *LabClient) Socket() *sock.Socket {
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

// run is the client's program; its error says why it ended (nil: asked to).
func (c *LabClient) run() error {
	l := c.lab
	addr, err := l.ServerAddr(l.ctx)
	if err != nil {
		return err
	}
	addr = sock.ConnectTarget(addr)
	// The background context keeps cancellation out of each call's hot path;
	// Lab.Close reaches a blocked call by opening the gate and closing the socket.
	bg := context.WithoutCancel(l.ctx)
	s, err := sock.Open(bg, l.Tracer(c.Name, event.RoleClient), sock.FamilyOf(addr.Addr()), sock.Stream)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.sock = s
	c.mu.Unlock()
	defer s.Close(bg)
	if err := s.Connect(bg, addr); err != nil {
		return err
	}
	cl := &service.Client{S: s, Service: c.Service, Pause: 500 * time.Millisecond}
	for {
		select {
		case <-c.quit:
			return nil
		case <-l.ctx.Done():
			return nil
		case msg := <-c.reqs:
			var err error
			if c.Service == service.Calc {
				_, err = cl.Calc(bg, string(msg))
			} else {
				_, err = cl.Echo(bg, msg)
			}
			if err != nil {
				return err
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
	if l.capture != nil {
		// Segments of the last closes are still queued: release them, then
		// stop capturing (Detach first: the sequencer reads the capture
		// without its lock).
		l.seq.Detach()
		l.capture.Close()
	}
}

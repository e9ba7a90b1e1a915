package service

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/socklab/socklab/internal/testhook"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// Services socklab can serve.
const (
	Echo = "echo"
	Calc = "calc"
)

// DefaultPort is the port the seeds use: echo 65432 (blog post), calc 1081
// (the calculator tutorial).
func DefaultPort(service string) uint16 {
	if service == Calc {
		return 1081
	}
	return 65432
}

// ServiceForPort is socklab connect's rule when no --service is given:
// the calculator tutorial's port 1081 means calc, any other port echo.
// Nothing is sent to find out.
func ServiceForPort(port uint16) string {
	if port == DefaultPort(Calc) {
		return Calc
	}
	return Echo
}

// ServerConfig describes a server. Zero fields take the defaults below.
type ServerConfig struct {
	Service string         // Echo or Calc
	Addr    netip.AddrPort // port 0: the kernel chooses
	// Sequential serves one client at a time with listen(1), as the seeds'
	// servers do; otherwise each client gets its own goroutine.
	Sequential bool
	// Backlog is listen's backlog. Default: the system's maximum
	// (/proc/sys/net/core/somaxconn, as Go's net uses), so a burst of
	// connects waits in the accept queue instead of being dropped; 1 for
	// the sequential teaching server, as the seeds' listen(1).
	Backlog     int
	IdleTimeout time.Duration // close a client silent this long; default 2m, <0 never
	MaxClients  int           // connections served at once; default 512
	// PerStudent, when above 0, is how many connections one source address
	// may hold at once (--per-student): checked before a connection takes
	// one of MaxClients' places, so one student's loop cannot lock out the
	// room. IPv4-mapped sources count as the IPv4 address.
	PerStudent int
	MaxLine    int // calc: longest request line in bytes; default 4096
	// RequestTimeout bounds how long a calculator request may take to
	// arrive once its first byte came (slowloris); default 10s.
	RequestTimeout time.Duration
	// Pause is how long the calculator waits for the rest of a line before
	// answering what it has (clients that send no newline); default 100ms.
	Pause time.Duration
	// NoDelay sets TCP_NODELAY on every accepted connection, so replies
	// written in pieces do not wait for the client's delayed ACK (Nagle).
	NoDelay bool
	Tracer  sock.Tracer // Actor defaults to "server"

	// Allow, when not empty, is the only sources served: a connection from
	// elsewhere is accepted and closed at once, unanswered (--allow).
	Allow AllowList
	// Rate, when above 0, limits each client to this many requests a second
	// (a token bucket of Burst tokens, default Rate): calc answers a request
	// over the limit with "error: rate limit …" without evaluating it; echo
	// sends the bytes back late, so the stream stays unchanged.
	Rate  float64
	Burst float64
	// ByteRate, when above 0, is how many bytes a second the server sends
	// each student (source address), summed over their connections: a
	// token bucket of ByteBurst bytes (default 4×ByteRate, at least 64 KiB
	// so one large reply still passes). A reply waits for its bytes; the
	// client's further requests wait behind it (TCP's own back-pressure).
	ByteRate  float64
	ByteBurst float64
	// Hold, when set, lets an instructor hold accept (step mode of the
	// class server).
	Hold *AcceptHold
	// Watch, when set, hears of every connection and request (the class
	// view's per-client counters).
	Watch ConnWatcher
}

func (c *ServerConfig) defaults() {
	if c.Backlog <= 0 {
		c.Backlog = systemBacklog()
		if c.Sequential {
			c.Backlog = 1
		}
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 10 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.MaxClients <= 0 {
		c.MaxClients = 512
	}
	if c.MaxLine <= 0 {
		c.MaxLine = 4096
	}
	if c.Pause <= 0 {
		c.Pause = 100 * time.Millisecond
	}
	if c.Tracer.Actor == "" {
		c.Tracer.Actor = "server"
	}
}

// Server is a listening socket and the connections it accepted.
type Server struct {
	cfg      ServerConfig
	listener *sock.Socket
	handle   func(ctx context.Context, c *served) (why string)

	mu      sync.Mutex
	conns   map[*sock.Socket]struct{}
	perAddr map[netip.Addr]int     // connections served now, per source
	banned  map[netip.Addr]bool    // removed for the session (Remove with ban)
	removed map[*sock.Socket]bool  // closed by Remove: their end is the instructor's doing
	budgets map[netip.Addr]*budget // byte budgets per student (ByteRate)
	closed  bool
	done    chan struct{} // closed by Close: ends waits of the server's own (hold, rate)
	wg      sync.WaitGroup

	// heavy holds a place for each calculator request evaluating beyond
	// calc.LightBudget: at most one core's worth less than all, so light
	// requests always find a core.
	heavy chan struct{}

	closeOnce sync.Once
	closeErr  error

	// beforeRead, set only by tests, runs before each read of a
	// connection: it stands for a goroutine that comes late to its read on
	// a busy machine.
	beforeRead func()
}

// Listen makes socket, setsockopt(SO_REUSEADDR), bind and listen, and returns
// once the server is listening, so that EADDRINUSE or EACCES reach the
// caller before anything is served.
func Listen(ctx context.Context, cfg ServerConfig) (*Server, error) {
	cfg.defaults()
	s := &Server{cfg: cfg, conns: map[*sock.Socket]struct{}{}, perAddr: map[netip.Addr]int{}, banned: map[netip.Addr]bool{},
		removed: map[*sock.Socket]bool{}, budgets: map[netip.Addr]*budget{}, done: make(chan struct{}), heavy: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))}
	switch cfg.Service {
	case Echo:
		s.handle = s.serveEcho
	case Calc:
		s.handle = s.serveCalc
	default:
		return nil, fmt.Errorf("unknown service %q (want echo or calc)", cfg.Service)
	}
	ls, err := sock.Open(ctx, cfg.Tracer, sock.FamilyOf(cfg.Addr.Addr()), sock.Stream)
	if err != nil {
		return nil, err
	}
	// SO_REUSEADDR lets a restarted server bind while its old connections
	// sit in TIME_WAIT; it does not let two servers listen on one port.
	if err := ls.SetReuseAddr(ctx, true); err != nil {
		ls.Close(ctx)
		return nil, err
	}
	if err := ls.Bind(ctx, cfg.Addr); err != nil {
		ls.Close(ctx)
		return nil, err
	}
	if err := ls.Listen(ctx, cfg.Backlog); err != nil {
		ls.Close(ctx)
		return nil, err
	}
	s.listener = ls
	return s, nil
}

// Addr is the address the kernel reports for the listening socket.
func (s *Server) Addr() netip.AddrPort { return s.listener.LocalAddr() }

// Listener is the listening socket.
func (s *Server) Listener() *sock.Socket { return s.listener }

// Conns returns the connections being served now.
func (s *Server) Conns() []*sock.Socket {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*sock.Socket, 0, len(s.conns))
	for c := range s.conns {
		out = append(out, c)
	}
	return out
}

// Serve accepts and serves clients until Close is called or ctx ends. It
// returns nil after a Close.
func (s *Server) Serve(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	// Socket calls below use a context that is never cancelled: a cancellable
	// one costs a goroutine per call in the poller glue, and shutdown
	// reaches blocked calls by closing their sockets instead.
	bg := context.WithoutCancel(ctx)
	for {
		if h := s.cfg.Hold; h != nil && !h.pass(s.done) {
			return nil
		}
		c, err := s.listener.Accept(bg)
		if h := s.cfg.Hold; h != nil {
			h.returned()
		}
		if err != nil {
			if s.isClosed() {
				return nil
			}
			if errors.Is(err, errConnAborted) || errors.Is(err, errInterrupted) {
				continue
			}
			f := acceptFailure(err)
			s.cfg.Tracer.Note(fmt.Sprintf("accept failed: %s: %s", f.Errno, f.Meaning))
			if w, ok := s.cfg.Watch.(acceptWatcher); ok {
				w.AcceptFailed(f)
			}
			if f.Fatal {
				return err
			}
			if !s.wait(100 * time.Millisecond) {
				return nil
			}
			continue
		}
		if !s.cfg.Allow.Allows(c.RemoteAddr().Addr()) {
			s.refuse(bg, c, RefuseAllow, "not in --allow",
				fmt.Sprintf("your address %s is not admitted by this server (--allow)", c.RemoteAddr().Addr().Unmap()))
			continue
		}
		if kind, ok := s.track(c); !ok {
			switch kind {
			case RefuseRemoved:
				s.refuse(bg, c, kind, "removed by the instructor for this session", "you were removed from this session by the instructor")
			case RefuseClosing:
				// Not "busy": a student whose connection came as the server
				// stopped would wait for a place that never frees.
				s.refuse(bg, c, kind, "the server is shutting down", "server shutting down")
			case RefusePerStudent:
				s.refuse(bg, c, kind, fmt.Sprintf("per-student limit of %d connections reached", s.cfg.PerStudent),
					fmt.Sprintf("you already have %d connections open (limit per student), close one and try again", s.cfg.PerStudent))
			default:
				s.refuse(bg, c, RefuseBusy, fmt.Sprintf("limit of %d clients reached", s.cfg.MaxClients),
					fmt.Sprintf("server busy (limit %d clients), try again later", s.cfg.MaxClients))
			}
			continue
		}
		if s.cfg.NoDelay {
			_ = c.SetNoDelay(bg, true) // reported as its own call; a failure leaves Nagle on, as the trace shows
		}
		if s.cfg.Sequential {
			s.serveOne(bg, c)
			s.wg.Done()
			continue
		}
		go func() {
			defer s.wg.Done()
			defer event.Recover()
			if testhook.ServeConn != nil {
				testhook.ServeConn()
			}
			s.serveOne(bg, c)
		}()
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// track registers a connection, or reports false and which rule refused
// it: a removed source, the per-student cap (checked first, so a hog's
// extra connections never take a place of the room's), the server closing
// (RefuseClosing), the client limit (RefuseBusy).
func (s *Server) track(c *sock.Socket) (RefuseKind, bool) {
	src := c.RemoteAddr().Addr().Unmap()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.banned[src]:
		return RefuseRemoved, false
	case s.cfg.PerStudent > 0 && s.perAddr[src] >= s.cfg.PerStudent:
		return RefusePerStudent, false
	case s.closed:
		return RefuseClosing, false
	case len(s.conns) >= s.cfg.MaxClients:
		return RefuseBusy, false
	}
	s.conns[c] = struct{}{}
	s.perAddr[src]++
	if s.cfg.ByteRate > 0 {
		g := s.budgets[src]
		if g == nil {
			g = s.newBudget()
			s.budgets[src] = g
		}
		g.refs++
	}
	// Counted under the lock that Close takes before it waits, so no Add can
	// race with that Wait.
	s.wg.Add(1)
	return 0, true
}

// untrack forgets a connection that ended.
func (s *Server) untrack(c *sock.Socket) (removed bool) {
	src := c.RemoteAddr().Addr().Unmap()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if s.perAddr[src]--; s.perAddr[src] <= 0 {
		delete(s.perAddr, src)
	}
	removed = s.removed[c]
	delete(s.removed, c)
	if g := s.budgets[src]; g != nil {
		g.refs--
	}
	return removed
}

// newBudget makes a full byte budget, first dropping the budgets of
// students with no connection whose bucket has refilled (forgetting a full
// bucket gives nothing back: a new one starts full too), so a stream of
// addresses cannot grow the map. Called with mu held.
func (s *Server) newBudget() *budget {
	if len(s.budgets) >= 1024 {
		now := time.Now()
		for a, g := range s.budgets {
			g.mu.Lock()
			full := g.refs == 0 && g.b.full(now)
			g.mu.Unlock()
			if full {
				delete(s.budgets, a)
			}
		}
	}
	burst := s.cfg.ByteBurst
	if burst <= 0 {
		burst = max(4*s.cfg.ByteRate, 64<<10)
	}
	return &budget{b: NewBucket(s.cfg.ByteRate, burst, time.Now())}
}

// budgetOf is the byte budget of a connection's student (nil: none).
func (s *Server) budgetOf(c *sock.Socket) *budget {
	if s.cfg.ByteRate <= 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.budgets[c.RemoteAddr().Addr().Unmap()]
}

// refuse tells a turned-away client why, where the protocol has a way to
// say it (the calculator's error line; an echo cannot speak without
// changing the stream), instead of leaving it to guess from a close. The
// line is written to a fresh connection's empty send buffer, so it never
// waits; the deadline is only a bound.
func (s *Server) refuse(ctx context.Context, c *sock.Socket, kind RefuseKind, why, told string) {
	if s.cfg.Service == Calc {
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		_ = c.SendAll(ctx, []byte("error: "+told+"\n"))
	}
	s.cfg.Tracer.Note(fmt.Sprintf("client %s refused: %s", c.RemoteAddr(), why))
	if s.cfg.Watch != nil {
		s.cfg.Watch.Refused(c, kind, why)
	}
	c.Close(ctx)
}

// Remove closes every connection from addr (the instructor's remove key)
// and, with ban, refuses that address for the rest of the session. It
// returns how many connections it closed. Their serving goroutines see
// their socket closed and end, reporting "removed by the instructor".
func (s *Server) Remove(addr netip.Addr, ban bool) int {
	addr = addr.Unmap()
	s.mu.Lock()
	if ban {
		s.banned[addr] = true
	}
	var victims []*sock.Socket
	for c := range s.conns {
		if c.RemoteAddr().Addr().Unmap() == addr {
			s.removed[c] = true
			victims = append(victims, c)
		}
	}
	s.mu.Unlock()
	for _, c := range victims {
		c.Close(context.Background())
	}
	return len(victims)
}

// Banned lists the addresses removed for the session.
func (s *Server) Banned() []netip.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]netip.Addr, 0, len(s.banned))
	for a := range s.banned {
		out = append(out, a)
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return out
}

// served is one connection being served: its socket, and what the server
// keeps beside it (the client's rate bucket, the watcher's tap).
type served struct {
	*sock.Socket
	bucket *Bucket // nil: no rate limit
	errs   *Bucket // over-limit error lines: one a second, the rest dropped
	bytes  *budget // the student's byte budget; nil: none
	tap    ConnTap // nil: no watcher
}

// spend waits until the student's byte budget allows n more bytes out; it
// reports false when the server closed meanwhile.
func (s *Server) spend(c *served, n int) bool {
	if c.bytes == nil {
		return true
	}
	return s.wait(c.bytes.reserve(n))
}

func (s *Server) serveOne(ctx context.Context, sock *sock.Socket) {
	c := &served{Socket: sock}
	if s.cfg.Rate > 0 {
		burst := s.cfg.Burst
		if burst <= 0 {
			burst = s.cfg.Rate
		}
		c.bucket = NewBucket(s.cfg.Rate, burst, time.Now())
		c.errs = NewBucket(1, 1, time.Now())
	}
	c.bytes = s.budgetOf(sock)
	if s.cfg.Watch != nil {
		c.tap = s.cfg.Watch.Accepted(sock)
	}
	why := "server closing"
	defer func() {
		sock.Close(ctx)
		removed := s.untrack(sock)
		if c.tap != nil {
			switch {
			case removed:
				why = "removed by the instructor"
			case s.isClosed():
				why = "server closing"
			}
			c.tap.Ended(why)
		}
	}()
	why = s.handle(ctx, c)
}

// endWhy says in words why serving a connection ended on err.
func endWhy(err error) string {
	var ce *sock.CallError
	if errors.As(err, &ce) && ce.Errno != 0 {
		return fmt.Sprintf("%s failed: %s", ce.Call, event.ErrnoName(ce.Errno))
	}
	if sock.IsTimeout(err) {
		return "a send waited too long (the client stopped reading)"
	}
	return "server closing"
}

// wait sleeps d (a rate-limited request's turn), or less when the server
// closes; it reports false in that case.
func (s *Server) wait(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

// Close stops accepting, closes every connection and waits for their
// goroutines. Safe to call more than once and from several goroutines: every
// call returns only when the server is fully closed.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.done)
		conns := make([]*sock.Socket, 0, len(s.conns))
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		bg := context.Background()
		s.closeErr = s.listener.Close(bg)
		for _, c := range conns {
			c.Close(bg)
		}
		s.wg.Wait()
	})
	return s.closeErr
}

// armIdle bounds the next recv and send by the idle timeout, so a silent or
// non-reading client is closed instead of holding its goroutine forever.
// Re-arming the deadlines costs two timer updates, so on a busy connection it
// is done only when a sixteenth of the timeout has passed since the last
// time: the timeout then fires between 15/16 and 16/16 of its length after
// the last activity.
func (s *Server) armIdle(c *sock.Socket, last *time.Time) {
	if s.cfg.IdleTimeout <= 0 {
		if last.IsZero() { // clear a pause deadline the calculator may have set
			_ = c.SetReadDeadline(time.Time{})
			*last = time.Now()
		}
		return
	}
	now := time.Now()
	if !last.IsZero() && now.Sub(*last) < s.cfg.IdleTimeout/16 {
		return
	}
	*last = now
	_ = c.SetReadDeadline(now.Add(s.cfg.IdleTimeout))
	_ = c.SetWriteDeadline(now.Add(s.cfg.IdleTimeout))
}

// idleSince reports whether the client, last heard at active, really has
// been idle for the whole timeout when its read deadline fired. The
// deadline is re-armed lazily (armIdle), so it can fire up to a sixteenth
// of the timeout early: then it is set again for the rest. And a request
// that arrived while this goroutine waited for a CPU is already in the
// kernel's receive queue: that client was not idle.
func (s *Server) idleSince(c *sock.Socket, active time.Time, armed *time.Time) bool {
	if q, err := c.Readable(); err == nil && q > 0 {
		return false
	}
	now := time.Now()
	if rest := active.Add(s.cfg.IdleTimeout).Sub(now); rest > 0 {
		_ = c.SetReadDeadline(now.Add(rest))
		*armed = now
		return false
	}
	return true
}

// armWrite bounds the next send by the idle timeout: a client that stops
// reading its replies is closed once it has taken nothing for that long.
// Like armIdle it re-arms only when a sixteenth of the timeout has passed.
func (s *Server) armWrite(c *sock.Socket, last *time.Time) {
	if s.cfg.IdleTimeout <= 0 {
		return
	}
	now := time.Now()
	if !last.IsZero() && now.Sub(*last) < s.cfg.IdleTimeout/16 {
		return
	}
	*last = now
	_ = c.SetWriteDeadline(now.Add(s.cfg.IdleTimeout))
}

// systemBacklog is the largest accept queue the system allows, read as Go's
// own net package reads it; 4096 (Linux's default since 5.4) where the file
// cannot be read.
func systemBacklog() int {
	b, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if err != nil {
		return 4096
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return 4096
	}
	// listen(2) keeps the backlog in 16 bits on older kernels.
	return min(n, 1<<16-1)
}

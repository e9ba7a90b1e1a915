package service

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// ClassConfig configures a class server: an echo or calculator server an
// instructor runs for a room of students, followed connection by connection.
type ClassConfig struct {
	// Server is the server itself, with every limit it has (line length,
	// client count, idle and request timeouts), the allow list and the
	// per-client rate. Tracer and Watch are the class's own.
	Server ServerConfig
	// Linger is how long a lane stays after its connection ended, showing
	// what the kernel reports of it (LAST_ACK, TIME_WAIT, gone); default 10s.
	Linger time.Duration
	// KeepClosed bounds the lanes kept after their connection ended, so a
	// storm of short connections cannot grow memory; default 256.
	KeepClosed int
	// Recent is how many notes (arrived, left, refused) are kept; default 32.
	Recent int
}

// Class is a server whose connections are followed one lane each: the
// address and ephemeral port accept returned, the TCP state the kernel
// reports, bytes in and out, requests served, the last request and reply.
// Counters are kept per client as requests happen (an atomic add, a copy of
// at most LaneText bytes); Snapshot reads them, and the kernel's states,
// all at once, so a viewer pays per look, never per request.
type Class struct {
	cfg  ClassConfig
	srv  *Server
	hold AcceptHold

	mu      sync.Mutex
	lanes   []*lane // arrival order
	nextID  uint64
	recent  []ClassNote // ring, newest at (head-1)
	head    int
	samples []rateSample                  // requests counted at recent snapshots, for the rate
	seen    map[netip.Addr]*tally         // every source served: its session's totals (bounded by maxSeen)
	events  map[netip.AddrPort]*eventRing // the newest calls of each connection (class_events.go)
	evSeq   uint64

	total     atomic.Uint64 // connections served
	refused   atomic.Uint64
	refusedBy [RefuseClosing + 1]atomic.Uint64
	limited   atomic.Uint64
	dropped   atomic.Uint64
	requests  atomic.Uint64
	connected atomic.Int64

	dirty   atomic.Bool
	changed chan struct{}

	acceptErr   AcceptFailure // the last failed accept; guarded by mu
	acceptErrAt time.Time
	acceptErrs  uint64
	// The kernel's listen drop counters when the class began: the
	// dashboard shows their growth since.
	baseOverflows, baseDrops uint64
	statsOK                  bool
}

// AcceptFailed records a failed accept (the dashboard says what it means).
func (c *Class) AcceptFailed(f AcceptFailure) {
	c.mu.Lock()
	c.acceptErr, c.acceptErrAt = f, time.Now()
	c.acceptErrs++
	c.mu.Unlock()
	c.touch()
}

// tally is one student's totals over the session: what exercises are
// checked against and what the summary file lists. Lanes are dropped after
// their linger; a tally stays.
type tally struct {
	connections, requests, errors, clean atomic.Uint64
	bytesIn, bytesOut                    atomic.Uint64 // of ended connections; open ones are added at read
}

// StudentTally is one student's session as a Snapshot saw it.
type StudentTally struct {
	Addr        netip.Addr
	Connections uint64 // accepted since the start
	Open        int    // served now
	Requests    uint64 // answered (sent)
	Errors      uint64 // answered with an error line
	ClosedClean uint64 // connections the student closed (recv returned 0, or quit)
	BytesIn     uint64
	BytesOut    uint64
}

// The ends of a connection a student chose: an exercise's
// student.closed_cleanly.
const (
	whyClientClosed = "the client closed (recv returned 0)"
	whyQuit         = "the client sent quit (answered bye)"
)

// AcceptErrors is the failed accepts as a Snapshot saw them.
type AcceptErrors struct {
	Last  AcceptFailure
	At    time.Time // zero: none yet
	Count uint64
}

// ListenDrops is how much the kernel's listen drop counters of this
// network namespace (all listeners together) grew since the class began.
type ListenDrops struct {
	Overflows uint64 // handshakes completed into a full accept queue
	Drops     uint64 // SYNs and handshakes dropped at a listener (overflows included)
	Valid     bool
}

// maxSeen bounds the sources remembered for the departed count, so a flood
// of addresses (IPv6 has many) cannot grow memory; past it Departed is a
// lower bound (Snapshot says so with SeenFull).
const maxSeen = 1 << 16

// LaneText bounds the last request and reply a lane keeps.
const LaneText = 64

// ListenClass makes the listening socket (socket, setsockopt, bind, listen)
// and returns once it listens, so EADDRINUSE reaches the caller; Serve
// then accepts.
func ListenClass(ctx context.Context, cfg ClassConfig) (*Class, error) {
	if cfg.Linger <= 0 {
		cfg.Linger = 10 * time.Second
	}
	if cfg.KeepClosed <= 0 {
		cfg.KeepClosed = 256
	}
	if cfg.Recent <= 0 {
		cfg.Recent = 32
	}
	c := &Class{cfg: cfg, seen: map[netip.Addr]*tally{}, events: map[netip.AddrPort]*eventRing{}, changed: make(chan struct{}, 1), recent: make([]ClassNote, 0, cfg.Recent)}
	sc := cfg.Server
	sc.Hold, sc.Watch = &c.hold, c
	// The class keeps each connection's calls for the detail view, and
	// passes them on to the trace file when there is one.
	if sc.Tracer.Sink != nil {
		sc.Tracer.Sink = event.Tee(c, sc.Tracer.Sink)
	} else {
		sc.Tracer.Sink = c
	}
	srv, err := Listen(ctx, sc)
	if err != nil {
		return nil, err
	}
	c.baseOverflows, c.baseDrops, c.statsOK = listenStats()
	c.srv = srv
	c.cfg.Server = srv.cfg
	return c, nil
}

// Serve accepts and serves students until Close or ctx ends.
func (c *Class) Serve(ctx context.Context) error { return c.srv.Serve(ctx) }

// Close closes the listening socket and every connection.
func (c *Class) Close() error {
	err := c.srv.Close()
	c.touch()
	return err
}

// Remove closes every connection of the student at addr (the instructor's
// remove key) and, with ban, refuses that address for the rest of the
// session. It returns how many connections were closed.
func (c *Class) Remove(addr netip.Addr, ban bool) int {
	n := c.srv.Remove(addr, ban)
	c.touch()
	return n
}

// Addr is the address the kernel reports for the listening socket.
func (c *Class) Addr() netip.AddrPort { return c.srv.Addr() }

// Config is the configuration in force (defaults filled in).
func (c *Class) Config() ClassConfig { return c.cfg }

// Hold is the class's accept hold: the instructor's step mode.
func (c *Class) Hold() *AcceptHold { return &c.hold }

// SetHeld holds or frees accept, and notes it.
func (c *Class) SetHeld(on bool) {
	c.hold.SetHeld(on)
	c.touch()
}

// Release lets one held accept run (see AcceptHold.Release).
func (c *Class) Release() bool {
	ok := c.hold.Release()
	c.touch()
	return ok
}

// Changed delivers a signal after something changed (a client arrived,
// left, was refused or served). Signals are merged: one waiting signal
// stands for any number of changes, so a flood costs the viewer one wake-up
// per look.
func (c *Class) Changed() <-chan struct{} { return c.changed }

// touch raises the change signal once until the next Snapshot.
func (c *Class) touch() {
	if c.dirty.CompareAndSwap(false, true) {
		select {
		case c.changed <- struct{}{}:
		default:
		}
	}
}

// NoteKind says what a ClassNote reports.
type NoteKind uint8

const (
	NoteArrived NoteKind = iota // accept returned a connection
	NoteLeft                    // the server closed it (Why says what ended it)
	NoteRefused                 // accepted and closed at once (Why)
)

// ClassNote is one arrival, departure or refusal, as accept and the
// connection's calls reported it.
type ClassNote struct {
	At     time.Time
	Kind   NoteKind
	FD     int // the fd accept returned
	Remote netip.AddrPort
	Why    string
}

func (c *Class) note(n ClassNote) {
	c.mu.Lock()
	if len(c.recent) < cap(c.recent) {
		c.recent = append(c.recent, n)
	} else {
		c.recent[c.head] = n
	}
	c.head = (c.head + 1) % cap(c.recent)
	c.mu.Unlock()
	c.touch()
}

// Accepted starts a lane (ConnWatcher).
func (c *Class) Accepted(s *sock.Socket) ConnTap {
	l := &lane{class: c, sock: s, fd: s.FD(), local: s.LocalAddr(), remote: s.RemoteAddr(), since: time.Now()}
	c.mu.Lock()
	c.nextID++
	l.id = c.nextID
	src := l.remote.Addr().Unmap()
	if t := c.seen[src]; t != nil {
		l.tally = t
	} else if len(c.seen) < maxSeen {
		l.tally = &tally{}
		c.seen[src] = l.tally
	}
	if l.tally != nil {
		l.tally.connections.Add(1)
	}
	c.lanes = append(c.lanes, l)
	c.mu.Unlock()
	c.total.Add(1)
	c.connected.Add(1)
	c.note(ClassNote{At: l.since, Kind: NoteArrived, FD: l.fd, Remote: l.remote})
	return l
}

// Refused counts a refusal (ConnWatcher).
func (c *Class) Refused(s *sock.Socket, kind RefuseKind, why string) {
	c.refused.Add(1)
	if int(kind) < len(c.refusedBy) {
		c.refusedBy[kind].Add(1)
	}
	c.note(ClassNote{At: time.Now(), Kind: NoteRefused, FD: s.FD(), Remote: s.RemoteAddr(), Why: why})
}

// lane is one served connection.
type lane struct {
	class         *Class
	id            uint64
	sock          *sock.Socket
	fd            int
	local, remote netip.AddrPort
	since         time.Time

	requests atomic.Uint64
	limited  atomic.Uint64
	dropped  atomic.Uint64
	errors   atomic.Uint64 // replies that were "error: …" lines
	active   atomic.Int64  // unix ns of the last request served; 0: none yet

	mu        sync.Mutex
	lastReq   []byte
	lastReply []byte

	tally *tally // the student's session totals; nil past maxSeen students

	// Replies noted by Served and not yet sent (the serving goroutine's own).
	pendN, pendErr     uint64
	pendReq, pendReply []byte
	ended              time.Time
	why                string
	state              event.TCPState // the last state read after the end
	gone               bool           // the kernel no longer knows the connection
}

// Served notes a reply about to be sent; Flushed publishes what was
// noted once the send returned. Both run on the connection's goroutine:
// the pending fields need no lock.
func (l *lane) Served(req, reply []byte) {
	l.pendN++
	if bytes.HasPrefix(reply, []byte("error:")) {
		l.pendErr++
	}
	l.pendReq = append(l.pendReq[:0], req[:min(len(req), LaneText)]...)
	l.pendReply = append(l.pendReply[:0], reply[:min(len(reply), LaneText)]...)
}

func (l *lane) Flushed() {
	if l.pendN == 0 {
		return
	}
	l.requests.Add(l.pendN)
	l.errors.Add(l.pendErr)
	if t := l.tally; t != nil {
		t.requests.Add(l.pendN)
		t.errors.Add(l.pendErr)
	}
	l.class.requests.Add(l.pendN)
	l.active.Store(time.Now().UnixNano())
	l.pendN, l.pendErr = 0, 0
	l.mu.Lock()
	l.lastReq = append(l.lastReq[:0], l.pendReq...)
	l.lastReply = append(l.lastReply[:0], l.pendReply...)
	l.mu.Unlock()
	l.class.touch()
}

func (l *lane) Dropped() {
	l.dropped.Add(1)
	l.class.dropped.Add(1)
	l.class.touch()
}

func (l *lane) Limited() {
	l.limited.Add(1)
	l.class.limited.Add(1)
	l.class.touch()
}

func (l *lane) Ended(why string) {
	l.mu.Lock()
	l.ended, l.why = time.Now(), why
	l.mu.Unlock()
	if t := l.tally; t != nil {
		t.bytesIn.Add(l.sock.BytesIn())
		t.bytesOut.Add(l.sock.BytesOut())
		if why == whyClientClosed || why == whyQuit {
			t.clean.Add(1)
		}
	}
	l.class.connected.Add(-1)
	l.class.note(ClassNote{At: l.ended, Kind: NoteLeft, FD: l.fd, Remote: l.remote, Why: why})
}

// Lane is one client's connection as a Snapshot saw it.
type Lane struct {
	ID            uint64 // arrival order, from 1
	FD            int    // the fd accept returned
	Local, Remote netip.AddrPort
	// State is what the kernel reported at the snapshot (TCP_INFO while the
	// fd is open, sock_diag after close); StateNone once the kernel has
	// forgotten the connection.
	State    event.TCPState
	BytesIn  uint64 // what recv returned on this connection, summed
	BytesOut uint64 // what send returned, summed
	Requests uint64
	Limited  uint64 // requests over the rate limit
	Errors   uint64 // requests answered with an "error: …" line
	Dropped  uint64 // requests over the limit that got no reply (error lines are one a second)
	// LastActive is when the last request was served (zero: none yet): a
	// powered-off laptop stays ESTABLISHED, and only this shows it silent.
	LastActive time.Time
	LastReq    []byte // at most LaneText bytes
	LastReply  []byte
	Since      time.Time // accept returned
	Ended      time.Time // zero while served
	Why        string    // why it ended
}

// Open reports whether the server still serves the connection.
func (l Lane) Open() bool { return l.Ended.IsZero() }

// ClassSnapshot is everything a class view shows, read at one moment.
type ClassSnapshot struct {
	Taken   time.Time
	Service string
	Addr    netip.AddrPort
	Allow   AllowList
	Rate    float64 // per client; 0: none
	// ByteRate is the bytes a second sent each student; 0: none.
	ByteRate float64
	// The server's other limits, as in force.
	MaxClients  int
	IdleTimeout time.Duration // <0: never
	MaxLine     int
	Lanes       []Lane // arrival order: every open connection, then the lingering ended ones in place
	Connected   int    // served now
	Total       uint64 // served since the start
	Refused     uint64
	// RefusedBy splits Refused by the rule that refused (RefuseKind).
	RefusedBy  [RefuseClosing + 1]uint64
	PerStudent int // connections one source may hold; 0: no cap
	// Students is how many source addresses were ever served; Departed how
	// many of them have no connection served now. SeenFull: the count
	// stopped at its bound, so both are lower bounds.
	Students, Departed int
	SeenFull           bool
	// Tallies is every student's session so far, by address.
	Tallies     []StudentTally
	Banned      []netip.Addr // removed for the session
	Limited     uint64
	Dropped     uint64 // over-limit requests that got no reply
	Requests    uint64
	ReqRate     float64 // requests evaluated a second, over about the last second (over-limit ones not counted)
	LimitedRate float64 // requests over the rate limit a second (answered with an error, or dropped)
	States      map[event.TCPState]int
	Queue       sock.AcceptQueue
	AcceptErrs  AcceptErrors
	ListenDrops ListenDrops
	Hold        HoldState
	Recent      []ClassNote // oldest first
	// NextExpiry is when the next ended lane is dropped (zero: none is
	// lingering): a viewer looks again then.
	NextExpiry time.Time
	Closed     bool // the server was closed
}

type rateSample struct {
	at       time.Time
	n, limit uint64 // requests evaluated, requests over the limit
}

// Snapshot reads every lane's counters and asks the kernel for each
// connection's state and for the accept queue. It costs one getsockopt per
// open connection (a few microseconds each) and a sock_diag lookup per
// ended connection still lingering; call it from a viewer's goroutine, not
// per request.
func (c *Class) Snapshot() ClassSnapshot {
	c.dirty.Store(false) // changes from now on raise the signal again
	now := time.Now()
	c.mu.Lock()
	c.prune(now)
	c.pruneEvents(now)
	lanes := append([]*lane(nil), c.lanes...)
	recent := make([]ClassNote, 0, len(c.recent))
	if len(c.recent) == cap(c.recent) {
		recent = append(recent, c.recent[c.head:]...)
		recent = append(recent, c.recent[:c.head]...)
	} else {
		recent = append(recent, c.recent...)
	}
	reqs := c.requests.Load()
	students, seenFull := len(c.seen), len(c.seen) >= maxSeen
	tallies := make(map[netip.Addr]*tally, len(c.seen))
	for a, t := range c.seen {
		tallies[a] = t
	}
	aerr := AcceptErrors{Last: c.acceptErr, At: c.acceptErrAt, Count: c.acceptErrs}
	// Served counts the over-limit requests answered with an error line
	// too: those are not evaluated, and req/s must not count them.
	limited, dropped := c.limited.Load(), c.dropped.Load()
	evaluated := reqs + dropped - min(reqs+dropped, limited)
	rate, limitedRate := c.rate(now, evaluated, limited)
	c.mu.Unlock()

	snap := ClassSnapshot{Taken: now, Service: c.cfg.Server.Service, Addr: c.srv.Addr(), Allow: c.cfg.Server.Allow,
		Rate: c.cfg.Server.Rate, ByteRate: c.cfg.Server.ByteRate, MaxClients: c.cfg.Server.MaxClients, IdleTimeout: c.cfg.Server.IdleTimeout,
		MaxLine: c.cfg.Server.MaxLine, Lanes: make([]Lane, 0, len(lanes)), Total: c.total.Load(), Refused: c.refused.Load(),
		Limited: limited, Dropped: dropped, Requests: reqs, ReqRate: rate, LimitedRate: limitedRate, States: map[event.TCPState]int{},
		Queue: sock.AcceptQueueOf(c.srv.listener), Hold: c.hold.State(), Recent: recent, Closed: c.srv.isClosed(),
		PerStudent: c.cfg.Server.PerStudent, Banned: c.srv.Banned()}
	snap.Students, snap.SeenFull, snap.AcceptErrs = students, seenFull, aerr
	if o, d, ok := listenStats(); ok && c.statsOK {
		snap.ListenDrops = ListenDrops{Overflows: o - c.baseOverflows, Drops: d - c.baseDrops, Valid: true}
	}
	for i := range snap.RefusedBy {
		snap.RefusedBy[i] = c.refusedBy[i].Load()
	}
	present := map[netip.Addr]struct{}{}
	for _, l := range lanes {
		ln := l.read()
		if ln.Open() {
			snap.Connected++
		} else if exp := ln.Ended.Add(c.cfg.Linger); snap.NextExpiry.IsZero() || exp.Before(snap.NextExpiry) {
			snap.NextExpiry = exp
		}
		snap.States[ln.State]++
		snap.Lanes = append(snap.Lanes, ln)
		if ln.Open() {
			present[ln.Remote.Addr().Unmap()] = struct{}{}
		}
	}
	snap.Departed = max(0, snap.Students-len(present))
	snap.Tallies = readTallies(tallies, snap.Lanes)
	return snap
}

// readTallies reads the students' totals, adding the bytes of their open
// connections (ended ones were added when they ended).
func readTallies(ts map[netip.Addr]*tally, lanes []Lane) []StudentTally {
	out := make([]StudentTally, 0, len(ts))
	idx := make(map[netip.Addr]int, len(ts))
	for a, t := range ts {
		idx[a] = len(out)
		out = append(out, StudentTally{Addr: a, Connections: t.connections.Load(), Requests: t.requests.Load(),
			Errors: t.errors.Load(), ClosedClean: t.clean.Load(), BytesIn: t.bytesIn.Load(), BytesOut: t.bytesOut.Load()})
	}
	for _, ln := range lanes {
		if i, ok := idx[ln.Remote.Addr().Unmap()]; ok && ln.Open() {
			out[i].Open++
			out[i].BytesIn += ln.BytesIn
			out[i].BytesOut += ln.BytesOut
		}
	}
	slices.SortFunc(out, func(a, b StudentTally) int { return a.Addr.Compare(b.Addr) })
	return out
}

// read is the lane now, with the kernel's state of its connection.
func (l *lane) read() Lane {
	l.mu.Lock()
	ended, gone := l.ended, l.gone
	out := Lane{ID: l.id, FD: l.fd, Local: l.local, Remote: l.remote, Since: l.since, Ended: ended, Why: l.why,
		LastReq: append([]byte(nil), l.lastReq...), LastReply: append([]byte(nil), l.lastReply...), State: l.state}
	l.mu.Unlock()
	if !gone {
		// Once the kernel has forgotten the connection it is not asked again.
		out.State = l.sock.KernelState()
		if !ended.IsZero() && l.sock.Closed() {
			l.mu.Lock()
			l.state = out.State
			l.gone = out.State == event.StateNone || out.State == event.StateClosed
			l.mu.Unlock()
		}
	}
	out.BytesIn, out.BytesOut = l.sock.BytesIn(), l.sock.BytesOut()
	out.Requests, out.Limited, out.Errors, out.Dropped = l.requests.Load(), l.limited.Load(), l.errors.Load(), l.dropped.Load()
	if ns := l.active.Load(); ns != 0 {
		out.LastActive = time.Unix(0, ns)
	}
	return out
}

// prune drops lanes that ended more than Linger ago, and the oldest ended
// ones beyond KeepClosed. Called with mu held.
func (c *Class) prune(now time.Time) {
	closed := 0
	for _, l := range c.lanes {
		if l.endedAt().IsZero() {
			continue
		}
		closed++
	}
	kept := c.lanes[:0]
	for _, l := range c.lanes {
		end := l.endedAt()
		if !end.IsZero() && (now.Sub(end) >= c.cfg.Linger || closed > c.cfg.KeepClosed) {
			closed--
			continue
		}
		kept = append(kept, l)
	}
	clear(c.lanes[len(kept):])
	c.lanes = kept
}

func (l *lane) endedAt() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ended
}

// rate is the requests evaluated, and those over the limit, a second since
// a sample about a second old (the newest one at least a second old, else
// the oldest). Called with mu held.
func (c *Class) rate(now time.Time, n, limit uint64) (float64, float64) {
	c.samples = append(c.samples, rateSample{now, n, limit})
	base := -1
	for i, s := range c.samples {
		if now.Sub(s.at) >= time.Second {
			base = i
		}
	}
	if base < 0 {
		base = 0
	}
	// Samples older than the base are no longer needed.
	c.samples = append(c.samples[:0], c.samples[base:]...)
	s := c.samples[0]
	dt := now.Sub(s.at).Seconds()
	if dt <= 0 {
		return 0, 0
	}
	return float64(n-min(n, s.n)) / dt, float64(limit-s.limit) / dt
}

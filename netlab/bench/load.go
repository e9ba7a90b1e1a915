package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socklab/socklab/netlab/service"
)

// Config describes one load run.
type Config struct {
	Service string         // netlab.Echo or netlab.Calc
	Addr    netip.AddrPort // the server
	Clients int            // concurrent connections; default 1
	// Duration is how long clients send new requests. When Requests is set
	// it is only a safety cap (default 1 minute).
	Duration time.Duration
	// Requests, when > 0, makes each client send exactly this many requests
	// instead of running for Duration.
	Requests int
	Size     int // echo: payload bytes per request; default 64
	// Reconnect opens a new connection for every request, as the seeds'
	// clients do (connect, send, recv, close).
	Reconnect bool
	// Grace is how long a request sent before the end may still wait for its
	// reply; past it the request counts as lost. Default 2s.
	Grace time.Duration
	Seed  uint64 // varies the calculator expressions
}

func (c *Config) defaults() {
	if c.Clients <= 0 {
		c.Clients = 1
	}
	if c.Duration <= 0 {
		c.Duration = 5 * time.Second
		if c.Requests > 0 {
			c.Duration = time.Minute
		}
	}
	if c.Size <= 0 {
		c.Size = 64
	}
	if c.Grace <= 0 {
		c.Grace = 2 * time.Second
	}
}

// Live holds counters that are updated while a run goes on, for a progress
// display. The zero value is ready to use.
type Live struct {
	OK, Wrong, Lost atomic.Uint64
	stop            atomic.Bool
}

// Stop ends the run early but gently: no new request is sent, and the ones
// in flight still get their replies (cancelling Run's context instead counts
// them as lost).
func (l *Live) Stop() { l.stop.Store(true) }

// Result is what a run measured.
type Result struct {
	Service  string
	Addr     netip.AddrPort
	Clients  int
	Elapsed  time.Duration
	OK       uint64 // replies that were exactly right
	Wrong    uint64 // replies that arrived but were not the expected bytes
	Lost     uint64 // requests sent that got no complete reply (or "server busy")
	DialErrs uint64 // connection attempts that failed
	Served   int    // clients that got at least one right reply
	Latency  Histogram
	// FirstWrong describes the first wrong reply, FirstErr the first
	// connection error, so a failed run says why.
	FirstWrong string
	FirstErr   string
}

// RPS is right replies per second.
func (r *Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// String is the one-paragraph report the command line prints.
func (r *Result) String() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s: %d clients, %s\n", r.Service, r.Addr, r.Clients, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "  requests/s  %.0f  (%d right replies)\n", r.RPS(), r.OK)
	fmt.Fprintf(&b, "  latency     p50 %s  p99 %s  max %s\n",
		fmtDur(r.Latency.Quantile(0.5)), fmtDur(r.Latency.Quantile(0.99)), fmtDur(r.Latency.Max()))
	fmt.Fprintf(&b, "  wrong %d  lost %d  failed connects %d  clients served %d/%d\n",
		r.Wrong, r.Lost, r.DialErrs, r.Served, r.Clients)
	if r.FirstWrong != "" {
		fmt.Fprintf(&b, "  first wrong reply: %s\n", r.FirstWrong)
	}
	if r.FirstErr != "" {
		fmt.Fprintf(&b, "  first error: %s\n", r.FirstErr)
	}
	return b.String()
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1fµs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	}
	return d.Round(time.Millisecond).String()
}

// Run drives the server at cfg.Addr with cfg.Clients closed-loop clients and
// checks every reply. live, if not nil, is updated as replies arrive.
// Cancelling ctx ends the run early (requests in flight count as lost).
func Run(ctx context.Context, cfg Config, live *Live) (*Result, error) {
	cfg.defaults()
	if cfg.Service != service.Echo && cfg.Service != service.Calc {
		return nil, fmt.Errorf("unknown service %q (want echo or calc)", cfg.Service)
	}
	if !cfg.Addr.IsValid() {
		return nil, errors.New("no server address")
	}
	if live == nil {
		live = &Live{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	stopAt := start.Add(cfg.Duration)
	res := &Result{Service: cfg.Service, Addr: cfg.Addr, Clients: cfg.Clients}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for i := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &client{cfg: &cfg, id: i, stopAt: stopAt, live: live}
			c.run(ctx)
			mu.Lock()
			res.merge(c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res, nil
}

func (r *Result) merge(c *client) {
	r.OK += c.ok
	r.Wrong += c.wrong
	r.Lost += c.lost
	r.DialErrs += c.dialErrs
	if c.ok > 0 {
		r.Served++
	}
	r.Latency.Merge(&c.hist)
	if r.FirstWrong == "" {
		r.FirstWrong = c.firstWrong
	}
	if r.FirstErr == "" {
		r.FirstErr = c.firstErr
	}
}

// client is one closed-loop connection.
type client struct {
	cfg    *Config
	id     int
	stopAt time.Time
	live   *Live

	conn   net.Conn
	rd     *bufio.Reader
	unhook func() bool // stops closing conn when ctx ends

	ok, wrong, lost, dialErrs uint64
	hist                      Histogram
	firstWrong, firstErr      string
}

func (c *client) run(ctx context.Context) {
	defer c.hangUp()
	var pool []request
	if c.cfg.Service == service.Calc {
		// A client that sends only a few requests computes only their
		// answers: 1000 clients each computing 256 spent two thirds of a
		// 1000-client run's CPU before the first request.
		n := 256
		if c.cfg.Requests > 0 {
			n = min(n, c.cfg.Requests)
		}
		pool = calcPool(c.cfg.Seed<<20|uint64(c.id), n)
	}
	buf := make([]byte, c.cfg.Size)
	got := make([]byte, c.cfg.Size)
	for seq := uint64(0); ; seq++ {
		if ctx.Err() != nil || c.live.stop.Load() || time.Now().After(c.stopAt) {
			return
		}
		if c.cfg.Requests > 0 && seq >= uint64(c.cfg.Requests) {
			return
		}
		if c.conn == nil || c.cfg.Reconnect {
			c.hangUp()
			if !c.dial(ctx) {
				return
			}
		}
		var req request
		if pool != nil {
			req = pool[seq%uint64(len(pool))]
		} else {
			echoFill(buf, seq+uint64(c.id)<<32)
			req = request{data: buf, want: buf}
		}
		t0 := time.Now()
		err := c.roundTrip(req, got)
		switch {
		case err == nil:
			c.hist.Record(time.Since(t0))
			c.ok++
			c.live.OK.Add(1)
		case errors.Is(err, errWrong):
			c.wrong++
			c.live.Wrong.Add(1)
			if c.firstWrong == "" {
				c.firstWrong = err.Error()
			}
			// The stream is out of step now: start afresh.
			c.hangUp()
		default:
			c.lost++
			c.live.Lost.Add(1)
			c.noteErr(err)
			c.hangUp()
		}
	}
}

var errWrong = errors.New("wrong reply")

// refusals begin the lines a socklab calculator sends a client it turns
// away instead of serving (service.Server.refuse): over its client limit,
// or shutting down.
var refusals = [][]byte{[]byte("error: server busy"), []byte("error: server shutting down")}

func (c *client) roundTrip(req request, got []byte) error {
	if _, err := c.conn.Write(req.data); err != nil {
		return err
	}
	if c.cfg.Service == service.Echo {
		if _, err := io.ReadFull(c.rd, got); err != nil {
			return err
		}
		if !bytes.Equal(got, req.want) {
			return fmt.Errorf("%w: echo of %d bytes came back different", errWrong, len(got))
		}
		return nil
	}
	line, err := c.rd.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A long result (a big integer): gather it in a copy.
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = c.rd.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil {
		return err
	}
	if slices.ContainsFunc(refusals, func(r []byte) bool { return bytes.HasPrefix(line, r) }) {
		// The server turned the connection away (over its client limit, or
		// closing): the request got no answer, which is not a wrong one.
		return fmt.Errorf("refused by the server: %s", bytes.TrimSpace(line))
	}
	if !bytes.Equal(line, req.want) {
		return fmt.Errorf("%w: %q answered %q, want %q", errWrong,
			bytes.TrimSpace(req.data), bytes.TrimSpace(line), bytes.TrimSpace(req.want))
	}
	return nil
}

func (c *client) dial(ctx context.Context) bool {
	d := net.Dialer{Deadline: c.stopAt.Add(c.cfg.Grace)}
	conn, err := d.DialContext(ctx, "tcp", c.cfg.Addr.String())
	if err != nil {
		c.dialErrs++
		c.noteErr(err)
		return false
	}
	// The whole run, grace included, is one deadline: setting one per
	// request would cost a timer update each time for nothing.
	_ = conn.SetDeadline(c.stopAt.Add(c.cfg.Grace))
	c.conn = conn
	c.rd = bufio.NewReaderSize(conn, max(4096, c.cfg.Size))
	c.unhook = context.AfterFunc(ctx, func() { conn.Close() })
	return true
}

func (c *client) hangUp() {
	if c.conn != nil {
		c.unhook()
		c.conn.Close()
		c.conn = nil
	}
}

func (c *client) noteErr(err error) {
	if c.firstErr == "" {
		c.firstErr = err.Error()
	}
}

package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// echoServer grades a server (echo or calculator); its checks share one
// run of the program, as a server is meant to be run once and serve every
// client.
type echoServer struct {
	s    *Session
	cfg  Config
	addr netip.AddrPort
	n    int // clients so far
	// service is the protocol socklab's clients speak; probe makes one
	// request of it on c and says what went wrong (nil: served right).
	service string
	probe   func(ctx context.Context, c *service.Client) error
}

// serverCheck is one check of a server exercise.
type serverCheck struct {
	name string
	fn   func(context.Context) (bool, string, []string)
}

func runEchoServer(ctx context.Context, cfg Config, report func(Result)) ([]Result, error) {
	g := &echoServer{cfg: cfg, service: service.Echo, probe: echoProbe}
	return g.run(ctx, func() []serverCheck {
		return []serverCheck{
			{"serves a request", g.servesARequest},
			{"serves a second client without restarting", g.servesASecondClient},
			{"keeps a connection until the client closes", g.keepsAConnection},
			{"answers a 1 MB message whole", g.answersAMegabyte},
			{"answers two clients at once or says it is sequential", g.twoAtOnce},
			{"closes its connection sockets", g.closesItsSockets},
			{"survives a client that resets", g.survivesAReset},
		}
	}, report)
}

// echoProbe sends a line and wants it back whole.
func echoProbe(ctx context.Context, c *service.Client) error {
	msg := []byte("are you there?\n")
	got, err := roundTrip(ctx, c, msg)
	if err == nil && !bytes.Equal(got, msg) {
		err = fmt.Errorf("sent %q, got %q back", msg, got)
	}
	return err
}

func (g *echoServer) run(ctx context.Context, list func() []serverCheck, report func(Result)) ([]Result, error) {
	cfg := g.cfg
	s, err := StartSession(ctx, SessionConfig{Argv: cfg.Argv, Dir: cfg.Dir, Wire: cfg.Wire, Role: event.RoleServer})
	if err != nil {
		return nil, err
	}
	defer s.Stop(time.Second)
	g.s = s
	var out []Result
	add := func(r Result) {
		out = append(out, r)
		if report != nil {
			report(r)
		}
	}
	start := time.Now()
	// Starting an interpreter is not what is graded: the wait for listen()
	// gets 10 s more than a check.
	startLimit := cfg.Limit + 10*time.Second
	lctx, cancel := context.WithTimeout(ctx, startLimit)
	g.addr, err = s.Listening(lctx)
	cancel()
	if err != nil {
		r := Result{Name: "listens", Detail: err.Error() + explainEnd(s) + output(s), Evidence: lines(programCalls(s), 8)}
		if lctx.Err() != nil {
			r.Detail = fmt.Sprintf("the program did not call listen() within %s: %s", startLimit, blockedIn(s)) + output(s)
		}
		r.Took = since(start)
		add(r)
		return out, nil
	}
	if why := s.Refused(); why != "" {
		return nil, errors.New("socklab cannot trace the program here (" + why + "): checks need its calls")
	}
	for _, c := range list() {
		start := time.Now()
		cctx, cancel := context.WithTimeout(ctx, cfg.Limit)
		// Asked for before the limit: once it runs out the check closes its
		// clients, and a server blocked in recv() then returns from it.
		dl, _ := cctx.Deadline()
		atLimit := s.Prog.InFlightAt(dl)
		pass, detail, ev := c.fn(cctx)
		if cctx.Err() != nil && !pass {
			detail = fmt.Sprintf("when the time limit (%s) ran out, %s. %s", cfg.Limit, blockedAt(atLimit), detail)
		} else {
			atLimit.Calls() // stop collecting
		}
		cancel()
		add(Result{Name: c.name, Pass: pass, Detail: detail, Evidence: ev, Took: since(start)})
		if ctx.Err() != nil {
			break
		}
	}
	return out, nil
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }

func output(s *Session) string {
	o := strings.TrimSpace(s.Output())
	if o == "" {
		return ""
	}
	if len(o) > 400 {
		o = "…" + o[len(o)-400:]
	}
	return "\nits output:\n" + o
}

// explainEnd says how the program ended, if it did.
func explainEnd(s *Session) string {
	select {
	case <-s.Prog.Done():
		ex, err := s.Prog.Wait()
		if err != nil {
			return " (" + err.Error() + ")"
		}
		return " (the program ended: " + ex.String() + ")"
	default:
		return ""
	}
}

func (g *echoServer) dial(ctx context.Context) (*service.Client, string, error) {
	g.n++
	name := fmt.Sprintf("client %d", g.n)
	c, err := service.Dial(ctx, g.s.Lab.Tracer(name, event.RoleClient), g.service, sock.ConnectTarget(g.addr))
	return c, name, err
}

// roundTrip sends msg and reads until as many bytes came back, the server
// closed, or ctx ended. It reads while it sends, as a client must for a
// message larger than the buffers.
func roundTrip(ctx context.Context, c *service.Client, msg []byte) ([]byte, error) {
	sent := make(chan error, 1)
	go func() { sent <- c.S.SendAll(ctx, msg) }()
	var got []byte
	var rerr error
	for len(got) < len(msg) {
		b, err := c.S.Recv(ctx, 64<<10)
		got = append(got, b...)
		if err != nil {
			rerr = err
			break
		}
		if len(b) == 0 {
			rerr = service.ErrClosedByPeer
			break
		}
	}
	if rerr != nil {
		// The send may still wait for a server that stopped reading.
		c.S.Close(context.WithoutCancel(ctx))
	}
	serr := <-sent
	if rerr == nil {
		rerr = serr
	}
	return got, rerr
}

func closeClient(ctx context.Context, c *service.Client) { c.Close(context.WithoutCancel(ctx)) }

func (g *echoServer) servesARequest(ctx context.Context) (bool, string, []string) {
	c, name, err := g.dial(ctx)
	if err != nil {
		return false, name + " could not connect: " + err.Error() + explainEnd(g.s), lines(programCalls(g.s), 6)
	}
	defer closeClient(ctx, c)
	msg := []byte("hello, socklab\n")
	got, err := roundTrip(ctx, c, msg)
	if err != nil || !bytes.Equal(got, msg) {
		return false, fmt.Sprintf("%s sent %q and got %q back%s", name, msg, got, errText(err)), lines(programCalls(g.s), 8)
	}
	return true, fmt.Sprintf("%s sent %q and got it back", name, msg), lines(programCalls(g.s, event.OpAccept, event.OpRecv, event.OpSend), 4)
}

func errText(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, service.ErrClosedByPeer):
		return ": the server closed the connection (recv returned 0)"
	}
	return " (" + err.Error() + ")"
}

func (g *echoServer) servesASecondClient(ctx context.Context) (bool, string, []string) {
	g.settled(ctx)
	c, name, err := g.dial(ctx)
	if err == nil {
		defer closeClient(ctx, c)
		if err = g.probe(ctx, c); err == nil {
			return true, name + " was served by the same run of the program", nil
		}
	}
	// Explain from the program's own calls, once it is done with its last
	// client (ended, or back in accept).
	g.settle(ctx, lastAccept(g.s))
	accepts := 0
	lfd := -1
	var ev []event.Event
	for _, e := range programCalls(g.s) {
		switch {
		case e.Kind == event.KindCall && e.Op == event.OpListen && e.Result == 0:
			lfd = e.FD
			ev = append(ev, e)
		case e.Kind == event.KindCall && e.Op == event.OpAccept && e.Result >= 0:
			accepts++
			ev = append(ev, e)
		case e.Kind == event.KindCall && e.Op == event.OpClose && e.FD == lfd && lfd >= 0:
			ev = append(ev, e)
		}
	}
	what := fmt.Sprintf("your server called accept() %s", times(accepts))
	closedListener := false
	for _, e := range ev {
		if e.Op == event.OpClose && e.FD == lfd {
			closedListener = true
		}
	}
	switch {
	case closedListener:
		what += fmt.Sprintf(", then close(%d) on the listening socket", lfd)
	case explainEnd(g.s) != "":
		what += ", then ended" + explainEnd(g.s) + ": the kernel closed its listening socket"
	}
	switch event.ErrnoOf(err) {
	case syscall.ECONNREFUSED:
		what += ": " + name + "'s SYN was answered with RST (connection refused)"
	case syscall.ECONNRESET:
		what += ": the kernel had completed " + name + "'s handshake into the accept queue, and reset it (RST) when the listening socket closed"
	default:
		what += ": " + name + " failed" + errText(err)
	}
	what += ". Serve clients in a loop: accept(), serve, close the connection, accept() again."
	return false, what, append(lines(ev, 6), rstLines(g.s, name)...)
}

// settled waits (at most half the check's time) until the program has
// done what it does after its last client: closed the connection, then
// waited for the next client (a blocked accept, a poll), closed its
// listening socket or ended. The next client then meets that program, not
// one still halfway through its last.
// acceptsAgainSince waits (at most half the limit) until the program ends
// or, in an event after the log's since-th, calls accept() (or waits for a
// client) again. After a client's reset a close proves nothing: a server
// dying of the reset closes its sockets on the way out, and a client that
// knocked then would find the listener still open and be reset a moment
// later, a report that depended on timing.
func (g *echoServer) acceptsAgainSince(ctx context.Context, since uint64) {
	deadline := time.Now().Add(g.cfg.Limit / 2)
	// Only the calls looked for are copied, each time: a threaded server's
	// history of calls, copied whole every 10 ms, was a third of check's CPU.
	again := func(e *event.Event) bool {
		return e.Seq > since && (e.Op == event.OpAccept || e.Op == event.OpWait) && isProgramCall(e)
	}
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if len(g.s.Lab.Log.Filter(again)) > 0 {
			return
		}
		select {
		case <-g.s.Prog.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (g *echoServer) settled(ctx context.Context) {
	deadline := time.Now().Add(g.cfg.Limit / 2)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if len(openConns(g.s)) == 0 {
			// What the program did after it closed its last connection.
			after := false
			for _, e := range programCalls(g.s) {
				switch {
				case e.Kind == event.KindCall && e.Op == event.OpClose:
					after = true // a close of a connection (or of the listener: settled too)
					if e.State == event.StateNone && !e.Remote.IsValid() {
						return
					}
				case after && (e.Op == event.OpAccept || e.Op == event.OpWait):
					return
				}
			}
		}
		select {
		case <-g.s.Prog.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func times(n int) string {
	switch n {
	case 0:
		return "never"
	case 1:
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// rstLines are the captured RST segments sent to the named client.
func rstLines(s *Session, to string) []string {
	var out []string
	for _, e := range s.Lab.Log.Events() {
		if e.Kind == event.KindPacket && e.Pkt != nil && e.Pkt.To == to && strings.Contains(e.Pkt.Seg.Flags.String(), "RST") {
			out = append(out, e.String())
		}
	}
	return out
}

func (g *echoServer) keepsAConnection(ctx context.Context) (bool, string, []string) {
	c, name, err := g.dial(ctx)
	if err != nil {
		return false, name + " could not connect: " + err.Error() + explainEnd(g.s), nil
	}
	defer closeClient(ctx, c)
	for i, l := range []string{"one\n", "two\n", "three\n"} {
		got, err := roundTrip(ctx, c, []byte(l))
		if err != nil || string(got) != l {
			closes := programCalls(g.s, event.OpClose, event.OpRecv)
			return false, fmt.Sprintf("%s sent %d lines on one connection; line %d %q got %q back%s. Keep calling recv() until it returns 0 (the client closed), and only then close the connection.",
				name, i+1, i+1, l, got, errText(err)), lines(closes, 4)
		}
	}
	return true, name + " sent three lines on one connection and got each back", nil
}

func (g *echoServer) answersAMegabyte(ctx context.Context) (bool, string, []string) {
	c, name, err := g.dial(ctx)
	if err != nil {
		return false, name + " could not connect: " + err.Error() + explainEnd(g.s), nil
	}
	defer closeClient(ctx, c)
	size := g.cfg.bigMessage
	if size <= 0 {
		size = 1 << 20
	}
	msg := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	got, err := roundTrip(ctx, c, msg)
	if err == nil && bytes.Equal(got, msg) {
		return true, fmt.Sprintf("%s sent %d bytes and got all of them back, in order", name, len(msg)), nil
	}
	// A send that took part of what it was offered, never followed by the rest.
	var partial []event.Event
	for _, e := range programCalls(g.s, event.OpSend, event.OpSendto) {
		if e.Kind == event.KindCall && e.Args.Size > 0 && e.Result >= 0 && e.Result < e.Args.Size {
			partial = append(partial, e)
		}
	}
	detail := fmt.Sprintf("%s sent %d bytes and got %d back%s.", name, len(msg), len(got), errText(err))
	if len(partial) > 0 {
		p := partial[0]
		detail += fmt.Sprintf(" Your server's %s(%d, …, %d) sent only %d bytes: send() may take only part of what it is given, and returns how much. Use sendall() (or loop until all is sent).",
			nameOf(p), p.FD, p.Args.Size, p.Result)
	} else if len(got) > 0 && len(got) < len(msg) {
		detail += " recv() returns what has arrived so far, not the whole message: keep receiving until the client closes."
	}
	return false, detail, lines(partial, 4)
}

func nameOf(e event.Event) string {
	if e.Syscall != "" {
		return e.Syscall
	}
	return e.Op.String()
}

func (g *echoServer) closesItsSockets(ctx context.Context) (bool, string, []string) {
	// Every connection the program accepted has been closed by socklab's
	// client; each must be closed by the program too.
	for {
		open := openConns(g.s)
		if len(open) == 0 {
			return true, "every connection the program accepted was closed by it after the client closed", nil
		}
		select {
		case <-ctx.Done():
			var fds []string
			var ev []string
			for _, e := range open {
				fds = append(fds, fmt.Sprint(e.Result))
				ev = append(ev, e.String())
			}
			for _, e := range programCalls(g.s, event.OpRecv) {
				if e.Kind == event.KindCall && e.Result == 0 {
					ev = append(ev, e.String())
				}
			}
			return false, fmt.Sprintf("your server never called close() on connection fd(s) %s after the client closed: each sits in CLOSE_WAIT, holding an fd and kernel memory. Call close() on the connection when recv() returns 0.",
				strings.Join(fds, ", ")), ev
		case <-g.s.Prog.Done():
			return false, "the program ended before closing its connections" + explainEnd(g.s), nil
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// openConns are the program's accept events whose new fd it has not closed.
func openConns(s *Session) []event.Event {
	open := map[int]event.Event{}
	for _, e := range programCalls(s, event.OpAccept, event.OpClose) {
		if e.Kind != event.KindCall {
			continue
		}
		if e.Op == event.OpAccept && e.Result >= 0 {
			open[e.Result] = e
		} else if e.Op == event.OpClose && e.Result == 0 {
			delete(open, e.FD)
		}
	}
	var out []event.Event
	for _, e := range open {
		out = append(out, e)
	}
	return out
}

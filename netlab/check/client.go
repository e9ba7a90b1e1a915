package check

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/ptrace"
	"github.com/socklab/socklab/netlab/service"
)

// PortArg in a program's arguments is replaced by the port of socklab's
// server, for a client that takes its port on the command line (the
// seeds' clients use 65432, socklab's default).
const PortArg = "{port}"

// runEchoClient grades an echo client: socklab's echo server listens on
// cfg.Port (65432 by default, as in the seeds), the program runs until it
// ends (or the time limit), and its calls say whether it connected, sent,
// read the whole reply and closed.
func runEchoClient(ctx context.Context, cfg Config, report func(Result)) ([]Result, error) {
	return runClient(ctx, cfg, service.Echo, 65432, report)
}

// CalcInput is what a calculator client reads on its standard input when
// socklab check grades it: expressions as a student would type them, the
// second one's answer longer than a small recv, then quit.
const CalcInput = "2+3\n2**100\n7/2\nquit\n"

// runCalcClient grades a calculator client as runEchoClient does an echo
// client, with socklab's calculator on cfg.Port (1081 by default, the
// calculator seed's) and CalcInput (or cfg.Stdin) on the program's
// standard input.
func runCalcClient(ctx context.Context, cfg Config, report func(Result)) ([]Result, error) {
	if cfg.Stdin == nil {
		cfg.Stdin = strings.NewReader(CalcInput)
	}
	return runClient(ctx, cfg, service.Calc, 1081, report)
}

func runClient(ctx context.Context, cfg Config, svc string, defaultPort int, report func(Result)) ([]Result, error) {
	start := time.Now()
	s, addr, err := startClientSession(ctx, cfg, svc, defaultPort)
	if err != nil {
		return nil, err
	}
	hung := waitForClient(ctx, s, cfg.Limit)
	ex, _ := s.Stop(time.Second)
	g := clientGrader{s: s, addr: addr, service: svc, hung: hung, took: since(start), report: report}
	g.calls = tallyClientCalls(programCalls(s))
	g.gradeConnect()
	g.gradeSends()
	g.gradeWholeReply()
	g.gradeClose(ex)
	return g.out, nil
}

// clientPort is the port socklab's server listens on: cfg.Port, the
// service's default when 0, or the kernel's choice when negative (the
// program then learns it from {port}).
func clientPort(cfg Config, defaultPort int) int {
	switch {
	case cfg.Port == 0:
		return defaultPort
	case cfg.Port < 0:
		return 0
	}
	return cfg.Port
}

// startClientSession starts socklab's server, then the program with
// {port} replaced by the server's port; it refuses a program that cannot
// be traced, since every check reads the program's calls.
func startClientSession(ctx context.Context, cfg Config, svc string, defaultPort int) (*Session, netip.AddrPort, error) {
	s := NewSession(SessionConfig{Argv: cfg.Argv, Dir: cfg.Dir, Wire: cfg.Wire, Role: event.RoleClient, Stdin: cfg.Stdin})
	listen := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(clientPort(cfg, defaultPort)))
	if err := s.Lab.StartServer(service.ServerConfig{Service: svc, Addr: listen}); err != nil {
		s.Lab.Close()
		return nil, netip.AddrPort{}, err
	}
	addr, err := s.Lab.ServerAddr(ctx)
	if err != nil {
		s.Lab.Close()
		return nil, netip.AddrPort{}, fmt.Errorf("socklab's %s server: %w", svc, err)
	}
	for i, a := range s.cfg.Argv {
		s.cfg.Argv[i] = strings.ReplaceAll(a, PortArg, strconv.Itoa(int(addr.Port())))
	}
	if err := s.Start(); err != nil {
		s.Lab.Close()
		return nil, netip.AddrPort{}, err
	}
	if why := s.Refused(); why != "" {
		s.Stop(time.Second)
		return nil, netip.AddrPort{}, fmt.Errorf("socklab cannot trace the program here (%s): checks need its calls", why)
	}
	return s, addr, nil
}

// waitForClient waits for the program to end or the time limit to run
// out; it returns why the program was cut off, or "" when it ended.
func waitForClient(ctx context.Context, s *Session, limit time.Duration) string {
	lctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	select {
	case <-s.Prog.Done():
		return ""
	case <-lctx.Done():
		return fmt.Sprintf("the program was still running when the time limit (%s) ran out: %s", limit, blockedIn(s))
	}
}

// clientCalls is what the program's calls say about its first connection.
type clientCalls struct {
	conn      *event.Event  // the first connect, nil if none
	sent, got int           // bytes sent and received on conn's fd
	closed    bool          // conn's fd was closed by the program
	ev        []event.Event // the connect and the close, as evidence
}

// tallyClientCalls follows the first connect's fd through the program's
// calls: what it sent, received, and whether it closed it.
func tallyClientCalls(events []event.Event) clientCalls {
	var c clientCalls
	for _, e := range events {
		if e.Kind != event.KindCall {
			continue
		}
		if c.conn == nil {
			if e.Op == event.OpConnect {
				first := e
				c.conn = &first
				c.ev = append(c.ev, e)
			}
			continue
		}
		if e.FD != c.conn.FD {
			continue
		}
		switch {
		case (e.Op == event.OpSend || e.Op == event.OpSendto) && e.Result > 0:
			c.sent += e.Result
		case (e.Op == event.OpRecv || e.Op == event.OpRecvfrom) && e.Result > 0:
			c.got += e.Result
		case e.Op == event.OpClose:
			c.closed = true
			c.ev = append(c.ev, e)
		}
	}
	return c
}

// clientGrader turns a client's calls into check results, in order.
type clientGrader struct {
	s       *Session
	addr    netip.AddrPort
	service string
	hung    string
	took    string
	report  func(Result)
	calls   clientCalls
	out     []Result
}

func (g *clientGrader) add(name string, pass bool, detail string, evidence []string) {
	if g.hung != "" && !pass {
		detail = g.hung + ". " + detail
	}
	r := Result{Name: name, Pass: pass, Detail: detail, Evidence: evidence, Took: g.took}
	g.out = append(g.out, r)
	if g.report != nil {
		g.report(r)
	}
}

// connected says the program's first connect reached socklab's server.
func (g *clientGrader) connected() bool {
	c := g.calls.conn
	return c != nil && c.Result == 0 && c.Remote == g.addr
}

func (g *clientGrader) gradeConnect() {
	conn := g.calls.conn
	switch {
	case conn == nil:
		g.add("connects", false, fmt.Sprintf("your program never called connect() (socklab's server was at %s)", g.addr)+output(g.s), nil)
	case !g.connected():
		g.add("connects", false, fmt.Sprintf("your connect() did not reach socklab's server at %s", g.addr), lines([]event.Event{*conn}, 1))
	default:
		g.add("connects", true, fmt.Sprintf("connect(%d, %s) = 0 from port %d", conn.FD, g.addr, conn.Local.Port()), nil)
	}
}

func (g *clientGrader) gradeSends() {
	g.add("sends", g.connected() && g.calls.sent > 0, fmt.Sprintf("your program sent %d bytes on fd %d", g.calls.sent, fdOf(g.calls.conn)), nil)
}

// serverReplies is what socklab's server sent on the program's
// connection, from the server's own send calls.
func (g *clientGrader) serverReplies() (int, []event.Event) {
	replied := 0
	var replies []event.Event
	if !g.connected() {
		return 0, nil
	}
	for _, e := range g.s.Lab.Log.Events() {
		if e.Actor == "server" && e.Kind == event.KindCall && e.Op == event.OpSend && e.Remote == g.calls.conn.Local && e.Result > 0 {
			replied += e.Result
			replies = append(replies, e)
		}
	}
	return replied, replies
}

func (g *clientGrader) gradeWholeReply() {
	c := g.calls
	replied, replies := g.serverReplies()
	whole := g.connected() && c.sent > 0 && replied > 0 && c.got == replied
	detail := fmt.Sprintf("your program sent %d bytes to socklab's %s server, which sent %d back; your program received %d of them", c.sent, g.service, replied, c.got)
	var evidence []string
	if !whole && c.got < replied {
		detail, evidence = g.shortReadHint(detail, replied, replies)
	}
	g.add("reads the whole reply", whole, detail, evidence)
}

// shortReadHint explains a reply read only in part, with the server's
// sends and the program's recvs (and the RST, if it closed early) as
// evidence.
func (g *clientGrader) shortReadHint(detail string, replied int, replies []event.Event) (string, []string) {
	c := g.calls
	var evidence []string
	detail += ": recv() returns what has arrived so far, at most the size asked; call it again until the whole reply is in"
	if c.closed {
		// From the calls: what the server sent minus what the program read.
		detail += fmt.Sprintf(". Your program closed its socket with %d bytes unread: on such a close the kernel sends RST instead of FIN", replied-c.got)
		evidence = rstLines(g.s, "server") // the RST itself, when the wire is captured
	}
	var recvs []event.Event
	for _, e := range programCalls(g.s, event.OpRecv, event.OpRecvfrom) {
		if e.Kind == event.KindCall && e.FD == c.conn.FD {
			recvs = append(recvs, e)
		}
	}
	return detail, append(append(lines(replies, 4), lines(recvs, 4)...), evidence...)
}

func (g *clientGrader) gradeClose(ex ptrace.Exit) {
	if g.calls.closed {
		g.add("closes", true, fmt.Sprintf("your program called close(%d) on its connection", fdOf(g.calls.conn)), nil)
		return
	}
	g.add("closes", false, fmt.Sprintf("your program ended (%s) without calling close(%d): the kernel closed the socket for it at exit. Close it yourself (or use with socket.socket(...) as s:).", ex, fdOf(g.calls.conn)), lines(g.calls.ev, 3))
}

func fdOf(e *event.Event) int {
	if e == nil {
		return -1
	}
	return e.FD
}

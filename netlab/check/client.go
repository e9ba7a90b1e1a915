package check

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/socklab/socklab/netlab"
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
	return runClient(ctx, cfg, netlab.Echo, 65432, report)
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
	return runClient(ctx, cfg, netlab.Calc, 1081, report)
}

func runClient(ctx context.Context, cfg Config, service string, defaultPort int, report func(Result)) ([]Result, error) {
	start := time.Now()
	port := cfg.Port
	switch {
	case port == 0:
		port = defaultPort
	case port < 0:
		port = 0 // the kernel chooses; the program learns it from {port}
	}
	s := NewSession(SessionConfig{Argv: cfg.Argv, Dir: cfg.Dir, Wire: cfg.Wire, Role: netlab.RoleClient, Stdin: cfg.Stdin})
	if err := s.Lab.StartServer(netlab.ServerConfig{Service: service, Addr: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port))}); err != nil {
		s.Lab.Close()
		return nil, err
	}
	addr, err := s.Lab.ServerAddr(ctx)
	if err != nil {
		s.Lab.Close()
		return nil, fmt.Errorf("socklab's %s server: %w", service, err)
	}
	for i, a := range s.cfg.Argv {
		s.cfg.Argv[i] = strings.ReplaceAll(a, PortArg, strconv.Itoa(int(addr.Port())))
	}
	if err := s.Start(); err != nil {
		s.Lab.Close()
		return nil, err
	}
	if why := s.Refused(); why != "" {
		s.Stop(time.Second)
		return nil, fmt.Errorf("socklab cannot trace the program here (%s): checks need its calls", why)
	}
	lctx, cancel := context.WithTimeout(ctx, cfg.Limit)
	hung := ""
	select {
	case <-s.Prog.Done():
	case <-lctx.Done():
		hung = fmt.Sprintf("the program was still running when the time limit (%s) ran out: %s", cfg.Limit, blockedIn(s))
	}
	cancel()
	ex, _ := s.Stop(time.Second)
	took := since(start)

	var conn *netlab.Event
	sent, got := 0, 0
	closed := false
	var ev []netlab.Event
	for _, e := range programCalls(s) {
		if e.Kind != netlab.KindCall {
			continue
		}
		switch {
		case e.Op == netlab.OpConnect && conn == nil:
			c := e
			conn = &c
			ev = append(ev, e)
		case conn != nil && e.FD == conn.FD && (e.Op == netlab.OpSend || e.Op == netlab.OpSendto) && e.Result > 0:
			sent += e.Result
		case conn != nil && e.FD == conn.FD && (e.Op == netlab.OpRecv || e.Op == netlab.OpRecvfrom) && e.Result > 0:
			got += e.Result
		case conn != nil && e.FD == conn.FD && e.Op == netlab.OpClose:
			closed = true
			ev = append(ev, e)
		}
	}
	var out []Result
	add := func(name string, pass bool, detail string, evidence []string) {
		if hung != "" && !pass {
			detail = hung + ". " + detail
		}
		r := Result{Name: name, Pass: pass, Detail: detail, Evidence: evidence, Took: took}
		out = append(out, r)
		if report != nil {
			report(r)
		}
	}
	connected := conn != nil && conn.Result == 0 && conn.Remote == addr
	switch {
	case conn == nil:
		add("connects", false, fmt.Sprintf("your program never called connect() (socklab's server was at %s)", addr)+output(s), nil)
	case !connected:
		add("connects", false, fmt.Sprintf("your connect() did not reach socklab's server at %s", addr), lines([]netlab.Event{*conn}, 1))
	default:
		add("connects", true, fmt.Sprintf("connect(%d, %s) = 0 from port %d", conn.FD, addr, conn.Local.Port()), nil)
	}
	add("sends", connected && sent > 0, fmt.Sprintf("your program sent %d bytes on fd %d", sent, fdOf(conn)), nil)
	// What socklab's server sent on the program's connection, from the
	// server's own send calls.
	replied := 0
	var replies []netlab.Event
	if connected {
		for _, e := range s.Lab.Log.Events() {
			if e.Actor == "server" && e.Kind == netlab.KindCall && e.Op == netlab.OpSend && e.Remote == conn.Local && e.Result > 0 {
				replied += e.Result
				replies = append(replies, e)
			}
		}
	}
	whole := connected && sent > 0 && replied > 0 && got == replied
	detail := fmt.Sprintf("your program sent %d bytes to socklab's %s server, which sent %d back; your program received %d of them", sent, service, replied, got)
	var evidence []string
	if !whole && got < replied {
		detail += ": recv() returns what has arrived so far, at most the size asked; call it again until the whole reply is in"
		if closed {
			// From the calls: what the server sent minus what the program read.
			detail += fmt.Sprintf(". Your program closed its socket with %d bytes unread: on such a close the kernel sends RST instead of FIN", replied-got)
			evidence = rstLines(s, "server") // the RST itself, when the wire is captured
		}
		var recvs []netlab.Event
		for _, e := range programCalls(s, netlab.OpRecv, netlab.OpRecvfrom) {
			if e.Kind == netlab.KindCall && e.FD == conn.FD {
				recvs = append(recvs, e)
			}
		}
		evidence = append(append(lines(replies, 4), lines(recvs, 4)...), evidence...)
	}
	add("reads the whole reply", whole, detail, evidence)
	if closed {
		add("closes", true, fmt.Sprintf("your program called close(%d) on its connection", fdOf(conn)), nil)
	} else {
		add("closes", false, fmt.Sprintf("your program ended (%s) without calling close(%d): the kernel closed the socket for it at exit. Close it yourself (or use with socket.socket(...) as s:).", ex, fdOf(conn)), lines(ev, 3))
	}
	return out, nil
}

func fdOf(e *netlab.Event) int {
	if e == nil {
		return -1
	}
	return e.FD
}

package program

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/socklab/socklab/internal/handout"
	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/check"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui"
)

// Config is a program to run and socklab's side of it.
type Config struct {
	Argv []string
	Wire netlab.WireConfig
	Pcap string // also write the captured segments to this pcapng file ("": none)
	// Serve is socklab's server for a client program (service.Echo or
	// service.Calc, on 127.0.0.1:Port); "": none.
	Serve string
	Port  uint16
	// Send are the lines socklab's client sends a server program, once it
	// listens, reading each echo.
	Send []string
	// Client, when set, is a second program: the client of Argv's server,
	// started once the server listens, "{port}" in it replaced by the port
	// the kernel gave. Both are traced in the same lab.
	Client []string
	// serverGrace, when set, replaces the package's serverGrace: a test's
	// server that never ends by itself need not be waited for a second.
	serverGrace time.Duration
}

// role is the program's side of the conversation.
func (c Config) role() event.Role {
	if c.Serve != "" {
		return event.RoleClient
	}
	return event.RoleServer
}

// Format is how Trace writes what the program did.
type Format int

const (
	Text     Format = iota // trace lines, each state drawn where it was read
	JSON                   // JSON lines, one per event (docs/TRACE-FORMAT.md)
	Markdown               // a handout written when the program ended
)

// Show shows the program in the terminal UI opts describes: the ladder of
// its calls and segments, its output, its exit status; q stops it. step
// starts it in step mode (each call held until n).
func Show(ctx context.Context, cfg Config, opts ui.Options, step bool) error {
	closePcap := func() error { return nil }
	var sink event.Sink
	if cfg.Pcap != "" {
		p, err := output.OpenPcap(cfg.Pcap, cfg.Wire)
		if err != nil {
			return err
		}
		sink, closePcap = p, p.Close
	}
	if len(cfg.Client) > 0 {
		return cmp.Or(showPair(ctx, cfg, opts, step, sink), closePcap())
	}
	s := check.NewSession(check.SessionConfig{Argv: cfg.Argv, Wire: cfg.Wire, Trace: sink, Role: cfg.role(), Step: step})
	peerCtx, cancelPeer := context.WithCancel(ctx)
	defer cancelPeer()
	go func() {
		select {
		case <-s.Started():
		case <-peerCtx.Done():
			return
		}
		if err := startPeer(peerCtx, s, cfg); err != nil && peerCtx.Err() == nil {
			s.Lab.Emit(note("socklab's peer: " + err.Error()))
		}
	}()
	// The end is an event of the lab's log, so the screen says it after
	// the program's last calls, in the order they happened, not when a
	// goroutine watching the process happens to wake (it drew "ended"
	// above the last accept and recv once in twenty runs).
	go func() {
		select {
		case <-s.Started():
		case <-peerCtx.Done():
			return
		}
		select {
		case <-s.Prog.Done():
			ex, err := s.Prog.Wait()
			how := ex.String()
			if err != nil {
				how = err.Error()
			}
			s.Lab.Emit(event.Event{Kind: event.KindLab, Op: event.OpActorEnd, Actor: "program", Role: cfg.role(), FD: -1,
				Note: "program ended: " + how})
		case <-peerCtx.Done():
		}
	}()
	opts.Wire = cfg.Wire
	never := make(chan struct{})
	opts.Program = &ui.ProgramOptions{Title: strings.Join(cfg.Argv, " "), Lab: s.Lab, Start: s.Start,
		Output: s.Output, OutputChanged: s.OutputChanged(),
		Done: func() <-chan struct{} {
			if s.Prog == nil {
				return never
			}
			return s.Prog.Done()
		},
		Exit: func() string {
			ex, err := s.Prog.Wait()
			if err != nil {
				return err.Error()
			}
			return ex.String()
		},
		Refused: func() string { return s.Refused() }}
	uerr := ui.Run(ctx, opts)
	cancelPeer()
	// How it ended was on screen (or, when Start failed, the pane said
	// why); stopping it with q is not a failure.
	s.Stop(2 * time.Second)
	return cmp.Or(uerr, closePcap())
}

// Trace runs the program to its end (or ctx's, or timeout's when > 0) and
// writes what it did to stdout in format f; the program's own output goes
// to stderr and its input comes from stdin. A program that ends with a
// status other than 0 (not stopped by ctx) is an error.
func Trace(ctx context.Context, stdout, stderr io.Writer, stdin io.Reader, cfg Config, f Format, timeout time.Duration) error {
	out, err := newTraceOut(stdout, cfg, f)
	if err != nil {
		return err
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	if len(cfg.Client) > 0 {
		return tracePair(ctx, stdout, stderr, stdin, cfg, out)
	}
	s, err := check.StartSession(ctx, check.SessionConfig{Argv: cfg.Argv, Wire: cfg.Wire, Trace: out.sink, Role: cfg.role(),
		Stdout: stderr, Stderr: stderr, Stdin: stdin})
	if err != nil {
		out.drop()
		return err
	}
	if why := s.Refused(); why != "" {
		s.Lab.Emit(note("the program's calls are not traced (" + why + "): only the wire is shown"))
	}
	if peerErr := startPeer(ctx, s, cfg); peerErr != nil {
		s.Lab.Emit(note("socklab's peer: " + peerErr.Error()))
	}
	ex, werr := s.Wait(ctx)
	s.Lab.Emit(note("the program ended: " + ex.String()))
	if err := cmp.Or(werr, out.finish(stdout, cfg.Argv, s.Lab, s.Output())); err != nil {
		return err
	}
	if ex.Code != 0 && ctx.Err() == nil {
		return fmt.Errorf("the program ended with %s", ex)
	}
	return nil
}

// traceOut is where Trace writes: the trace writer, the sink the lab
// feeds (the writer, a state mover before it, a pcap beside it) and, for
// Markdown, the handout's collector.
type traceOut struct {
	tw        *event.TraceWriter
	sink      event.Sink
	mover     *check.StateMover
	md        *handout.Collector
	closePcap func() error
	dropPcap  func()
}

func newTraceOut(stdout io.Writer, cfg Config, f Format) (*traceOut, error) {
	o := &traceOut{closePcap: func() error { return nil }, dropPcap: func() {}}
	// The text lines draw each state where it was read (check.StateMover);
	// JSON lines stay one per event, as the kernel's answers came.
	switch f {
	case JSON:
		o.tw = event.NewJSONTraceWriter(stdout, 4096)
		o.sink = o.tw
	case Markdown:
		// The handout is written at the end; tw writes nothing meanwhile.
		o.tw = event.NewTraceWriter(io.Discard, 1)
		o.md = &handout.Collector{}
		o.mover = check.NewStateMover(o.md)
		o.sink = o.mover
	default:
		o.tw = event.NewTraceWriter(stdout, 4096)
		o.mover = check.NewStateMover(o.tw)
		o.sink = o.mover
	}
	if cfg.Pcap != "" {
		p, err := output.OpenPcap(cfg.Pcap, cfg.Wire)
		if err != nil {
			o.tw.Close()
			return nil, err
		}
		o.sink, o.closePcap, o.dropPcap = event.Tee(o.sink, p), p.Close, p.Drop
	}
	return o, nil
}

// drop ends the output of a run that never started: any previous pcap
// file stays.
func (o *traceOut) drop() {
	o.tw.Close()
	o.dropPcap()
}

// finish flushes what is held back and writes the handout (Markdown),
// once the lab has emitted its last event.
func (o *traceOut) finish(stdout io.Writer, argv []string, lab *netlab.Lab, output string) error {
	if o.mover != nil {
		o.mover.Flush()
	}
	var mdErr error
	if o.md != nil {
		mdErr = o.md.Write(stdout, argv, lab.Wire().String(), output)
	}
	return cmp.Or(o.tw.Close(), mdErr, o.closePcap())
}

func note(s string) event.Event {
	return event.Event{Kind: event.KindNote, Actor: "lab", FD: -1, Note: s}
}

// startPeer starts socklab's side of the conversation: its server for a
// client program, or its client sending the Send lines to a server program.
func startPeer(ctx context.Context, s *check.Session, cfg Config) error {
	switch {
	case cfg.Serve != "":
		err := s.Lab.StartServer(service.ServerConfig{Service: cfg.Serve,
			Addr: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), cfg.Port)})
		if err == nil {
			_, err = s.Lab.ServerAddr(ctx)
		}
		return err
	case len(cfg.Send) > 0:
		return sendLines(ctx, s, cfg.Send)
	}
	return nil
}

// sendLines is socklab's client for a server program: it connects to the
// port the program listened on, sends each line and reads the echo, then
// closes.
func sendLines(ctx context.Context, s *check.Session, lines []string) error {
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	addr, err := s.Listening(wctx)
	cancel()
	if err != nil {
		return err
	}
	c, err := service.Dial(ctx, s.Lab.Tracer("client 1", event.RoleClient), service.Echo, sock.ConnectTarget(addr))
	if err != nil {
		return err
	}
	defer c.Close(context.WithoutCancel(ctx))
	for _, l := range lines {
		if _, err := c.Echo(ctx, []byte(l+"\n")); err != nil {
			return err
		}
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/handout"
	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/internal/privnet"
	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/check"
	"github.com/socklab/socklab/ui"
)

type runFlags struct {
	trace, asJSON bool
	format        string
	pcap          string
	serve         string
	port          int
	send          []string
	timeout       time.Duration
	step          bool
	theme         string
}

func newRunCmd(network privnet.Network) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [flags] -- PROGRAM [ARGS...]",
		Short: "Run your own program and show its socket calls and the segments they sent",
		Long: "run starts PROGRAM (Python, C, Go, any Linux executable) inside socklab's private network,\n" +
			"traces its socket calls (ptrace, with a seccomp filter so only socket calls stop it) and\n" +
			"prints each one as the kernel answered it, with the segments each call put on the wire.\n\n" +
			"A server program gets socklab's client: it connects to the port the program listened on\n" +
			"and sends each --send line, reading the reply. A client program gets socklab's server with\n" +
			"--serve echo|calc (on --port, 65432 by default, as in the seeds).\n" +
			"The program's own output goes to stderr; the trace to stdout.",
		Example: "  socklab run --send hello --send world -- python3 server.py\n" +
			"  socklab run --serve echo -- python3 client.py\n" +
			"  socklab run --json --pcap run.pcapng -- ./server 65432",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 0 {
				return errors.New("put the program after --: socklab run [flags] -- PROGRAM [ARGS...]")
			}
			if !f.trace && !f.asJSON && f.format == "text" && isTerminal(os.Stdout) && isTerminal(os.Stdin) {
				return runProgramTUI(cmd.Context(), args, network.Wire(), f)
			}
			if f.step {
				return errors.New("--step needs the terminal UI (someone must press n): run without --trace/--json, in a terminal")
			}
			return runProgram(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, network.Wire(), f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.trace, "trace", false, "print each call and segment as a trace line (the lines of socklab trace) instead of opening the terminal UI; the default when stdout is not a terminal")
	fl.BoolVar(&f.step, "step", false, "terminal UI: start in step mode, each socket call of the program held before it enters the kernel until n")
	fl.StringVar(&f.theme, "theme", "auto", "terminal UI colours: auto, dark, light or high-contrast")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON lines (docs/TRACE-FORMAT.md): the same as --format json")
	fl.StringVar(&f.format, "format", "text", "text, json, or md (a Markdown handout written when the program ended: the trace lines, its output, a Mermaid sequence diagram)")
	fl.StringVar(&f.pcap, "pcap", "", "also write the captured segments to `FILE` (pcapng), each commented with its call")
	fl.StringVar(&f.serve, "serve", "", "run socklab's own `echo|calc` server for a client program")
	fl.IntVar(&f.port, "port", 65432, "the port of --serve")
	fl.StringArrayVar(&f.send, "send", nil, "a `LINE` socklab's client sends to the program's server (repeat for more); a newline is added")
	fl.DurationVar(&f.timeout, "timeout", 0, "stop the program after this long (0: when it ends, or ctrl+c)")
	addHostNetworkFlag(cmd)
	return cmd
}

// checkRunFlags is every check of run's flags, for both views.
func checkRunFlags(f *runFlags) error {
	if f.asJSON {
		f.format = "json"
	}
	if f.format != "text" && f.format != "json" && f.format != "md" {
		return fmt.Errorf("--format %q: want text, json or md", f.format)
	}
	if f.serve != "" && f.serve != netlab.Echo && f.serve != netlab.Calc {
		return fmt.Errorf("--serve %q: want echo or calc", f.serve)
	}
	if err := firstErr(intIn("port", f.port, 1, 65535, "a port"),
		durationIn("timeout", f.timeout, 0, 24*time.Hour, "a time limit")); err != nil {
		return err
	}
	if f.serve != "" && len(f.send) > 0 {
		return errors.New("--send is for a server program and --serve for a client program: use one")
	}
	return nil
}

// startPeer starts socklab's side of the conversation: its server for a
// client program, or its client sending --send lines to a server program.
func startPeer(ctx context.Context, s *check.Session, f runFlags) error {
	switch {
	case f.serve != "":
		err := s.Lab.StartServer(netlab.ServerConfig{Service: f.serve,
			Addr: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(f.port))})
		if err == nil {
			_, err = s.Lab.ServerAddr(ctx)
		}
		return err
	case len(f.send) > 0:
		return sendLines(ctx, s, f.send)
	}
	return nil
}

// runProgramTUI shows the program in the terminal UI: the ladder of its
// calls and segments, its output, its exit status; q stops it.
func runProgramTUI(ctx context.Context, argv []string, wire netlab.WireConfig, f runFlags) error {
	if err := checkRunFlags(&f); err != nil {
		return err
	}
	th, err := themeFlag(f.theme)
	if err != nil {
		return err
	}
	role := netlab.RoleServer
	if f.serve != "" {
		role = netlab.RoleClient
	}
	closePcap := func() error { return nil }
	var sink netlab.Sink
	if f.pcap != "" {
		p, err := output.OpenPcap(f.pcap, wire)
		if err != nil {
			return err
		}
		sink, closePcap = p, p.Close
	}
	s := check.NewSession(check.SessionConfig{Argv: argv, Wire: wire, Trace: sink, Role: role, Step: f.step})
	peerCtx, cancelPeer := context.WithCancel(ctx)
	defer cancelPeer()
	go func() {
		select {
		case <-s.Started():
		case <-peerCtx.Done():
			return
		}
		if err := startPeer(peerCtx, s, f); err != nil && peerCtx.Err() == nil {
			s.Lab.Emit(netlab.Event{Kind: netlab.KindNote, Actor: "lab", FD: -1, Note: "socklab's peer: " + err.Error()})
		}
	}()
	opts := tuiDefaults()
	opts.Wire, opts.Theme = wire, th
	never := make(chan struct{})
	opts.Program = &ui.ProgramOptions{Title: strings.Join(argv, " "), Lab: s.Lab, Start: s.Start,
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
	_, serr := s.Stop(2 * time.Second)
	if s.Prog == nil {
		serr = nil // Start failed: the pane said why
	}
	_ = serr // how it ended was on screen; stopping it with q is not a failure
	return firstErr(uerr, closePcap())
}

func runProgram(ctx context.Context, stdout, stderr io.Writer, argv []string, wire netlab.WireConfig, f runFlags) error {
	if err := checkRunFlags(&f); err != nil {
		return err
	}
	var tw *netlab.TraceWriter
	var sink netlab.Sink
	// The text lines draw each state where it was read (check.StateMover);
	// JSON lines stay one per event, as the kernel's answers came.
	var mover *check.StateMover
	var md *handout.Collector
	switch f.format {
	case "json":
		tw = netlab.NewJSONTraceWriter(stdout, 4096)
		sink = tw
	case "md":
		// The handout is written at the end; tw writes nothing meanwhile.
		tw = netlab.NewTraceWriter(io.Discard, 1)
		md = &handout.Collector{}
		mover = check.NewStateMover(md)
		sink = mover
	default:
		tw = netlab.NewTraceWriter(stdout, 4096)
		mover = check.NewStateMover(tw)
		sink = mover
	}
	closePcap, dropPcap := func() error { return nil }, func() {}
	if f.pcap != "" {
		p, err := output.OpenPcap(f.pcap, wire)
		if err != nil {
			tw.Close()
			return err
		}
		sink, closePcap, dropPcap = netlab.Tee(sink, p), p.Close, p.Drop
	}
	role := netlab.RoleServer
	if f.serve != "" {
		role = netlab.RoleClient
	}
	s, err := check.StartSession(ctx, check.SessionConfig{Argv: argv, Wire: wire, Trace: sink, Role: role,
		Stdout: stderr, Stderr: stderr, Stdin: os.Stdin})
	if err != nil {
		tw.Close()
		dropPcap() // nothing ran: any previous file stays
		return err
	}
	if why := s.Refused(); why != "" {
		s.Lab.Emit(netlab.Event{Kind: netlab.KindNote, Actor: "lab", FD: -1,
			Note: "the program's calls are not traced (" + why + "): only the wire is shown"})
	}
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	if peerErr := startPeer(ctx, s, f); peerErr != nil {
		s.Lab.Emit(netlab.Event{Kind: netlab.KindNote, Actor: "lab", FD: -1, Note: "socklab's peer: " + peerErr.Error()})
	}
	ex, werr := s.Wait(ctx)
	s.Lab.Emit(netlab.Event{Kind: netlab.KindNote, Actor: "lab", FD: -1, Note: "the program ended: " + ex.String()})
	if mover != nil {
		mover.Flush()
	}
	var mdErr error
	if md != nil {
		mdErr = md.Write(stdout, argv, s.Lab.Wire().String(), s.Output())
	}
	err = firstErr(werr, tw.Close(), mdErr, closePcap())
	if err != nil {
		return err
	}
	if ex.Code != 0 && ctx.Err() == nil {
		return fmt.Errorf("the program ended with %s", ex)
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
	c, err := netlab.Dial(ctx, s.Lab.Tracer("client 1", netlab.RoleClient), netlab.Echo, netlab.ConnectTarget(addr))
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

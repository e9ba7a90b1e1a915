package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/bench"
	"github.com/socklab/socklab/ui"
)

type benchFlags struct {
	clients    int
	duration   time.Duration
	size       int
	reconnect  bool
	sequential bool
	bare       bool
	traceFile  string
	compare    bool
}

// newBenchCmd is socklab bench: a closed-loop load test that checks every
// reply.
func newBenchCmd() *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "bench echo|calc [HOST [PORT]]",
		Short: "Load-test an echo or calculator server and check every reply",
		Long: "Drive a server with N clients in a closed loop (send, wait for the reply, check it, send\n" +
			"again) and report requests per second, p50/p99/max latency, and wrong or lost replies.\n" +
			"With no HOST it starts its own server in this process (socklab's, or --bare for a bare\n" +
			"net-package echo server); with HOST [PORT] it targets any server: socklab serve, the\n" +
			"seeds' Python server, nc. --compare measures socklab against the bare server side by side.",
		Example: "  socklab bench calc --clients 64\n  socklab bench echo --size 512 --duration 10s\n" +
			"  socklab bench echo 127.0.0.1 65432\n  socklab bench echo --compare",
		Args:      cobra.RangeArgs(1, 3),
		ValidArgs: []string{netlab.Echo, netlab.Calc},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBench(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&f.clients, "clients", "c", 8, "concurrent clients, each with its own connection")
	fl.DurationVarP(&f.duration, "duration", "d", 5*time.Second, "how long to send requests")
	fl.IntVarP(&f.size, "size", "s", 64, "echo: bytes per request")
	fl.BoolVar(&f.reconnect, "reconnect", false, "a new connection for every request, as the seeds' clients do")
	fl.BoolVar(&f.sequential, "sequential", false, "own server: serve one client at a time (listen(1)), as the seeds do")
	fl.BoolVar(&f.bare, "bare", false, "own server: a bare net-package echo server instead of socklab's")
	fl.StringVar(&f.traceFile, "trace-file", "", "own server: write its trace lines to this file")
	fl.BoolVar(&f.compare, "compare", false, "compare socklab's servers with a bare net echo server (1 and --clients clients)")
	return cmd
}

func runBench(ctx context.Context, stdout, stderr io.Writer, args []string, f benchFlags) error {
	service := args[0]
	if service != netlab.Echo && service != netlab.Calc {
		return fmt.Errorf("unknown service %q: want echo or calc", service)
	}
	// 10 000 clients is about 20 000 fds and a few hundred MB in one
	// process; beyond it a laptop runs out before the server does.
	if err := cmp.Or(
		intIn("clients", f.clients, 1, 10000, "a number of clients"),
		durationIn("duration", f.duration, 100*time.Millisecond, 24*time.Hour, "a duration"),
		intIn("size", f.size, 1, 1<<20, "a request size in bytes"),
	); err != nil {
		return err
	}
	if f.compare {
		return runCompare(ctx, stdout, stderr, service, f)
	}
	var addr netip.AddrPort
	if len(args) > 1 {
		var err error
		if _, addr, err = serviceAddr(args, ""); err != nil {
			return err
		}
	} else {
		a, stop, err := startBenchServer(ctx, service, f)
		if err != nil {
			return err
		}
		defer stop()
		addr = a
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cfg := bench.Config{Service: service, Addr: addr, Clients: f.clients, Duration: f.duration, Size: f.size,
		Reconnect: f.reconnect}
	var live bench.Live
	done := make(chan struct{})
	var (
		res *bench.Result
		err error
	)
	start := time.Now()
	go func() {
		defer close(done)
		res, err = bench.Run(ctx, cfg, &live)
	}()
	sample := func() ui.ProgressSample {
		el := time.Since(start)
		ok := live.OK.Load()
		return ui.ProgressSample{Fraction: el.Seconds() / f.duration.Seconds(),
			Line: fmt.Sprintf("%s/%s  %d right replies (%.0f/s)  wrong %d  lost %d", el.Truncate(time.Second),
				f.duration, ok, float64(ok)/max(el.Seconds(), 1e-3), live.Wrong.Load(), live.Lost.Load())}
	}
	title := fmt.Sprintf("socklab bench %s %s, %d clients", service, addr, cfg.Clients)
	if isTerminalWriter(stdout) {
		if perr := ui.RunProgress(ctx, stdout, title, sample, done, live.Stop); perr != nil {
			cancel()
			<-done
			return perr
		}
	} else {
		// Not a terminal: one plain line a second on stderr, so stdout
		// holds the report alone. The title comes with the first of them:
		// a bench that fails at once says only why.
		titled := false
		t := time.NewTicker(time.Second)
	wait:
		for {
			select {
			case <-done:
				break wait
			case <-t.C:
				if !titled {
					titled = true
					fmt.Fprintln(stderr, title)
				}
				fmt.Fprintln(stderr, sample().Line)
			}
		}
		t.Stop()
	}
	<-done
	if err != nil {
		return err
	}
	if res.Served == 0 && res.Wrong == 0 && res.Lost == 0 {
		// Nothing was measured: one line, no report of zeros.
		why := ""
		if res.FirstErr != "" {
			why = ": " + res.FirstErr
		}
		return fmt.Errorf("no client was served (%d connects failed%s): is a server listening on %s?", res.DialErrs, why, addr)
	}
	fmt.Fprint(stdout, res.String())
	if res.Wrong > 0 || res.Lost > 0 {
		return fmt.Errorf("%d wrong and %d lost replies", res.Wrong, res.Lost)
	}
	return nil
}

// startBenchServer starts the in-process server the flags ask for.
func startBenchServer(ctx context.Context, service string, f benchFlags) (netip.AddrPort, func(), error) {
	lo := netip.MustParseAddrPort("127.0.0.1:0")
	if f.bare {
		if service != netlab.Echo {
			return netip.AddrPort{}, nil, fmt.Errorf("--bare is an echo server: use bench echo")
		}
		b, err := bench.StartBareEcho(lo)
		if err != nil {
			return netip.AddrPort{}, nil, err
		}
		return b.Addr(), func() { b.Close() }, nil
	}
	cfg := netlab.ServerConfig{Service: service, Addr: lo, Sequential: f.sequential,
		MaxClients: max(512, f.clients+16), Backlog: max(16, min(f.clients, 4096))}
	var tr *output.Trace
	if f.traceFile != "" {
		var err error
		// The queue of bench.NewTraceWriter: the trace path --compare measures.
		if tr, err = output.CreateTrace("--trace-file", f.traceFile, output.Text, bench.TraceQueue); err != nil {
			return netip.AddrPort{}, nil, err
		}
		cfg.Tracer = netlab.NewSequencer(tr.TraceWriter).Tracer("server", netlab.RoleServer)
	}
	srv, err := bench.StartServer(ctx, cfg)
	if err != nil {
		if tr != nil {
			tr.Drop("not written: the command did not run")
		}
		return netip.AddrPort{}, nil, err
	}
	return srv.Addr(), func() {
		srv.Close()
		if tr != nil {
			// The report is out already: a trace that could not be
			// written is said on stderr.
			if err := tr.Close(os.Stderr); err != nil {
				fmt.Fprintln(os.Stderr, "socklab: "+err.Error())
			}
		}
	}, nil
}

func runCompare(ctx context.Context, stdout, stderr io.Writer, service string, f benchFlags) error {
	modes := bench.EchoModes
	if service == netlab.Calc {
		modes = bench.CalcModes
	}
	clients := []int{1}
	if f.clients > 1 {
		clients = append(clients, f.clients)
	}
	round := max(f.duration/3, 500*time.Millisecond)
	fmt.Fprintf(stderr, "comparing %d servers at %v clients, 3 interleaved rounds of %s each\n", len(modes), clients, round)
	rows, err := bench.Compare(ctx, bench.CompareConfig{Modes: modes, Clients: clients, Round: round, Rounds: 3, Size: f.size,
		Progress: func(m bench.Mode, n, r int, res *bench.Result) {
			fmt.Fprintf(stderr, "  round %d  %-34s %3d clients  %8.0f req/s\n", r+1, m, n, res.RPS())
		}})
	if err != nil {
		return err
	}
	bench.WriteTable(stdout, rows)
	return nil
}

func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

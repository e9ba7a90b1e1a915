// Package loadtest runs `socklab bench`: N clients in a closed loop (send,
// wait for the reply, check it, send again) against a server elsewhere or
// one it starts in this process (socklab's, traced or not, or a bare net
// echo server), with live progress (a bar on a terminal, a line a second
// otherwise) and the report of netlab/bench; and the side-by-side
// comparison of socklab's servers with the bare one.
package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/internal/serve"
	"github.com/socklab/socklab/netlab/bench"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui"
)

// Own is the server Run starts in this process when no address is given.
type Own struct {
	Sequential bool   // one client at a time, listen(1), as the seeds do
	Bare       bool   // a bare net-package echo server instead of socklab's
	TraceFile  string // write socklab's server's trace lines here ("": untraced)
}

// Run drives cfg.Clients clients for cfg.Duration against cfg.Addr, or,
// when cfg.Addr is the zero address, against the server own describes,
// and writes the report to stdout (progress to stderr when stdout is not
// a terminal). No client served, or a wrong or lost reply, is an error.
func Run(ctx context.Context, stdout, stderr io.Writer, cfg bench.Config, own Own) error {
	addr := cfg.Addr
	if !addr.IsValid() {
		a, stop, err := startServer(ctx, cfg, own)
		if err != nil {
			return err
		}
		defer stop()
		addr = a
	}
	cfg.Addr = addr
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
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
		return ui.ProgressSample{Fraction: el.Seconds() / cfg.Duration.Seconds(),
			Line: fmt.Sprintf("%s/%s  %d right replies (%.0f/s)  wrong %d  lost %d", el.Truncate(time.Second),
				cfg.Duration, ok, float64(ok)/max(el.Seconds(), 1e-3), live.Wrong.Load(), live.Lost.Load())}
	}
	title := fmt.Sprintf("socklab bench %s %s, %d clients", cfg.Service, addr, cfg.Clients)
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

// startServer starts the in-process server own describes.
func startServer(ctx context.Context, load bench.Config, own Own) (netip.AddrPort, func(), error) {
	svc := load.Service
	lo := netip.MustParseAddrPort("127.0.0.1:0")
	if own.Bare {
		if svc != service.Echo {
			return netip.AddrPort{}, nil, fmt.Errorf("--bare is an echo server: use bench echo")
		}
		b, err := bench.StartBareEcho(lo)
		if err != nil {
			return netip.AddrPort{}, nil, err
		}
		return b.Addr(), func() { b.Close() }, nil
	}
	cfg := service.ServerConfig{Service: svc, Addr: lo, Sequential: own.Sequential,
		MaxClients: max(512, load.Clients+16), Backlog: max(16, min(load.Clients, 4096))}
	var tr *output.Trace
	if own.TraceFile != "" {
		var err error
		// The queue of bench.NewTraceWriter: the trace path --compare measures.
		if tr, err = output.CreateTrace("--trace-file", own.TraceFile, output.Text, bench.TraceQueue); err != nil {
			return netip.AddrPort{}, nil, err
		}
		cfg.Tracer = sock.NewSequencer(tr.TraceWriter).Tracer("server", event.RoleServer)
		// As socklab serve's trace and --compare's "trace to file" do.
		cfg.Tracer.StatePace = sock.ServeStatePace
		cfg.Tracer.Note(serve.PaceText)
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

// Compare measures socklab's servers for svc against the bare echo
// server side by side, at 1 client and at clients, in three interleaved
// rounds (of a third of duration each, at least half a second), requests
// of size bytes, and writes the table to stdout (each round to stderr).
func Compare(ctx context.Context, stdout, stderr io.Writer, svc string, clients int, duration time.Duration, size int) error {
	modes := bench.EchoModes
	if svc == service.Calc {
		modes = bench.CalcModes
	}
	counts := []int{1}
	if clients > 1 {
		counts = append(counts, clients)
	}
	round := max(duration/3, 500*time.Millisecond)
	fmt.Fprintf(stderr, "comparing %d servers at %v clients, 3 interleaved rounds of %s each\n", len(modes), counts, round)
	rows, err := bench.Compare(ctx, bench.CompareConfig{Modes: modes, Clients: counts, Round: round, Rounds: 3, Size: size,
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

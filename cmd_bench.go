package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/loadtest"
	"github.com/socklab/socklab/netlab/bench"
	"github.com/socklab/socklab/netlab/service"
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
		ValidArgs: []string{service.Echo, service.Calc},
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
	fl.StringVar(&f.traceFile, "trace-file", "", "own server: write its trace lines to this file (its TCP states read as socklab serve reads them: paced after sends and recvs)")
	fl.BoolVar(&f.compare, "compare", false, "compare socklab's servers with a bare net echo server (1 and --clients clients)")
	return cmd
}

func runBench(ctx context.Context, stdout, stderr io.Writer, args []string, f benchFlags) error {
	svc := args[0]
	if svc != service.Echo && svc != service.Calc {
		return fmt.Errorf("unknown service %q: want echo or calc", svc)
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
		return loadtest.Compare(ctx, stdout, stderr, svc, f.clients, f.duration, f.size)
	}
	cfg := bench.Config{Service: svc, Clients: f.clients, Duration: f.duration, Size: f.size, Reconnect: f.reconnect}
	if len(args) > 1 {
		var err error
		if _, cfg.Addr, err = serviceAddr(args, "", "127.0.0.1"); err != nil {
			return err
		}
	}
	return loadtest.Run(ctx, stdout, stderr, cfg, loadtest.Own{Sequential: f.sequential, Bare: f.bare, TraceFile: f.traceFile})
}

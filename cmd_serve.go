package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/internal/serve"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

type serveFlags struct {
	addr       string
	quiet      bool
	sequential bool
	idle       time.Duration
	maxClients int
	perStudent int
	traceFile  string
	json       bool
	backlog    int
	reqTimeout time.Duration
	wire       bool
	everyState bool
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve echo|calc [HOST [PORT]]",
		Short: "Run the echo or calculator server and trace its socket calls",
		Long: "Run a server as the seeds do (python SocketServer.py localhost 1081) and print one line\n" +
			"per socket call: actor, call, arguments, result, addresses and TCP state, as the kernel\n" +
			"reported them. Defaults: 127.0.0.1, port 65432 for echo and 1081 for calc; port 0 lets\n" +
			"the kernel choose. Talk to it with socklab client, nc, or the seeds' Python clients.",
		Example:   "  socklab serve echo\n  socklab serve calc localhost 1081\n  socklab serve calc --addr [::1]:0 --sequential\n  socklab serve echo --quiet",
		Args:      cobra.RangeArgs(1, 3),
		ValidArgs: []string{service.Echo, service.Calc},
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, addr, err := serviceAddr(args, f.addr, "127.0.0.1")
			if err != nil {
				return err
			}
			return runServe(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), svc, addr, f)
		},
	}
	cmd.Flags().StringVar(&f.addr, "addr", "", "listen on HOST:PORT (instead of the HOST PORT arguments)")
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "print no trace lines")
	cmd.Flags().BoolVar(&f.wire, "wire", false, "also trace the server's segments captured on lo (needs CAP_NET_RAW: root, or setcap cap_net_raw+ep)")
	cmd.Flags().BoolVar(&f.sequential, "sequential", false, "serve one client at a time with listen(1), as the seeds' servers do")
	cmd.Flags().DurationVar(&f.idle, "idle-timeout", 2*time.Minute, "close a client that sends nothing for this long (0: never)")
	cmd.Flags().IntVar(&f.maxClients, "max-clients", 512, "clients served at once; more are told the server is busy")
	cmd.Flags().IntVar(&f.perStudent, "per-student", 8, "connections one source address may hold at once, so one client's loop cannot lock out the rest (0: no cap; socklab bench -c N from this machine needs N or 0)")
	cmd.Flags().IntVar(&f.backlog, "backlog", 0, "listen backlog (0: the system's maximum, somaxconn; --sequential uses 1)")
	cmd.Flags().DurationVar(&f.reqTimeout, "request-timeout", 10*time.Second, "calc: close a client whose request line is not complete this long after it began")
	cmd.Flags().BoolVar(&f.everyState, "every-state", false, "read the TCP state after every call; by default a connection's sends and recvs read it at most 100 times a second (bursts of 8; the lines beyond have no state), so tracing a busy server costs little")
	cmd.Flags().StringVar(&f.traceFile, "trace-file", "", "write the trace lines to this file instead of standard output")
	cmd.Flags().BoolVar(&f.json, "json", false, "write the trace as JSON lines (docs/TRACE-FORMAT.md)")
	return cmd
}

// serviceAddr reads "echo|calc [HOST [PORT]]" or --addr (addrFlag), HOST
// by default host, PORT the service's.
func serviceAddr(args []string, addrFlag, host string) (string, netip.AddrPort, error) {
	svc := args[0]
	if svc != service.Echo && svc != service.Calc {
		return "", netip.AddrPort{}, fmt.Errorf("unknown service %q: want echo or calc", svc)
	}
	if addrFlag != "" {
		if len(args) > 1 {
			return "", netip.AddrPort{}, fmt.Errorf("give either --addr or HOST PORT, not both")
		}
		a, err := sock.ParseAddr(addrFlag)
		return svc, a, err
	}
	port := fmt.Sprint(service.DefaultPort(svc))
	if len(args) > 1 {
		host = args[1]
	}
	if len(args) > 2 {
		port = args[2]
	}
	a, err := sock.ResolveHostPort(host, port)
	return svc, a, err
}

func runServe(ctx context.Context, stdout, stderr io.Writer, svc string, addr netip.AddrPort, f serveFlags) error {
	if err := cmp.Or(
		intIn("max-clients", f.maxClients, 1, 100000, "a number of clients"),
		intIn("per-student", f.perStudent, 0, 100000, "a number of connections (0: no cap)"),
		durationIn("idle-timeout", f.idle, 0, 24*time.Hour, "a duration (0: never)"),
		intIn("backlog", f.backlog, 0, 65535, "a backlog (0: the system's maximum)"),
		durationIn("request-timeout", f.reqTimeout, 100*time.Millisecond, time.Hour, "a duration"),
	); err != nil {
		return err
	}
	if f.quiet && (f.json || f.traceFile != "") {
		return fmt.Errorf("--quiet prints no trace; it cannot go with --json or --trace-file")
	}
	if f.wire && f.quiet {
		return fmt.Errorf("--wire prints segments in the trace; it cannot go with --quiet")
	}
	idle := f.idle
	if idle == 0 {
		idle = -1
	}
	cfg := serve.Config{Wire: f.wire, EveryState: f.everyState, Server: service.ServerConfig{Service: svc, Addr: addr, Sequential: f.sequential,
		IdleTimeout: idle, MaxClients: f.maxClients, PerStudent: f.perStudent, Backlog: f.backlog, RequestTimeout: f.reqTimeout}}
	if !f.quiet {
		format := output.Text
		if f.json {
			format = output.JSON
		}
		if f.traceFile == "" {
			cfg.Trace = output.NewTrace(stdout, format, 1<<16)
		} else {
			var err error
			if cfg.Trace, err = output.CreateTrace("--trace-file", f.traceFile, format, 1<<16); err != nil {
				return err
			}
		}
	}
	return serve.Run(ctx, stdout, stderr, cfg)
}

package main

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/class"
	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui"
)

type classFlags struct {
	rate       float64
	rateBytes  int
	allow      []string
	maxClients int
	perStudent int
	idle       time.Duration
	reqTimeout time.Duration
	backlog    int
	linger     time.Duration
	hold       bool
	theme      string
	exercise   string
	traceFile  string
	json       bool
	summary    string
	banner     bool
}

func newClassCmd() *cobra.Command {
	var f classFlags
	cmd := &cobra.Command{
		Use:   "class echo|calc [HOST [PORT]]",
		Short: "Serve a room of students and show each connection as it arrives (instructor's view)",
		Long: "Run the echo or calculator server for a class and show one lane per student connection:\n" +
			"the address and ephemeral port accept() returned, the TCP state the kernel reports, bytes\n" +
			"in and out, requests served, the last request and reply. The accept queue is drawn as it\n" +
			"fills; s holds accept (students' connects still finish: the kernel does the handshake)\n" +
			"and n lets one accept run. Defaults: every interface (0.0.0.0), port 1081 for calc and\n" +
			"65432 for echo. Students run: socklab connect HOST PORT.\n\n" +
			"Each client may make --rate requests a second (a token bucket as deep as the rate):\n" +
			"calc answers a request over the limit with \"error: rate limit …\" without evaluating it;\n" +
			"echo sends the bytes back late (an echo cannot say \"error\" without changing the stream).\n" +
			"--allow (repeatable) serves only those networks: anyone else is accepted and closed at\n" +
			"once, told why (calc), and shown as refused. --per-student caps one address's connections;\n" +
			"x removes the selected student (y: close their connections, b: and refuse them for the\n" +
			"session). --exercise FILE checks rules per student (student.requests >= 5); on exit a\n" +
			"summary (CSV and JSON) is written and its path printed.",
		Example: "  socklab class calc\n  socklab class calc 0.0.0.0 1081 --allow 192.168.1.0/24\n" +
			"  socklab class echo --rate 5 --hold",
		Args:      cobra.RangeArgs(1, 3),
		ValidArgs: []string{service.Echo, service.Calc},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, th, err := classConfig(args, f)
			if err != nil {
				return err
			}
			var ex []ui.Exercise
			if f.exercise != "" {
				if ex, err = class.ReadExercises(f.exercise); err != nil {
					return err
				}
			}
			if f.json && f.traceFile == "" {
				return fmt.Errorf("--json formats the --trace-file: give --trace-file too")
			}
			session := class.Session{Config: cfg, Exercises: ex, Hold: f.hold, Summary: f.summary}
			if f.traceFile != "" {
				format := output.Text
				if f.json {
					format = output.JSON
				}
				if session.Trace, err = output.CreateTrace("--trace-file", f.traceFile, format, 1<<16); err != nil {
					return err
				}
			}
			return session.Run(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), func(ctx context.Context, cls *service.Class) error {
				opts := tuiDefaults()
				opts.Theme = th
				opts.Class = &ui.ClassOptions{Server: cls, Reach: service.ReachableAddrs(cls.Addr().Addr()), Exercises: ex, Banner: f.banner}
				return ui.Run(ctx, opts)
			})
		},
	}
	fl := cmd.Flags()
	fl.Float64Var(&f.rate, "rate", 20, "requests a second each client may make (0: no limit, and no byte limit); over it, one error line a second, the rest unanswered")
	fl.IntVar(&f.rateBytes, "rate-bytes", 32<<10, "with --rate: bytes a second the server sends each student, all their connections together (a bucket of 4 s, at least 64 KiB)")
	fl.StringArrayVar(&f.allow, "allow", nil, "serve only this network, e.g. 192.168.1.0/24 (repeatable; default: any)")
	fl.IntVar(&f.maxClients, "max-clients", 1024, "clients served at once; more are told the server is busy")
	fl.IntVar(&f.perStudent, "per-student", 8, "connections one student (source address) may hold at once; more are refused with a reason (0: no cap)")
	fl.DurationVar(&f.idle, "idle-timeout", 10*time.Minute, "close a client that sends nothing for this long (0: never)")
	fl.DurationVar(&f.reqTimeout, "request-timeout", 10*time.Second, "calc: close a client whose request line is not complete this long after it began")
	fl.IntVar(&f.backlog, "backlog", 0, "listen backlog (0: the system's maximum, somaxconn); a small one shows the queue overflowing")
	fl.DurationVar(&f.linger, "linger", 10*time.Second, "how long a lane stays after its student left")
	fl.BoolVar(&f.hold, "hold", false, "start with accept held (step mode: n lets one accept run)")
	fl.StringVar(&f.theme, "theme", "auto", "colours: auto, dark, light or high-contrast")
	fl.BoolVar(&f.banner, "banner", false, "start on the join banner: what students type, in large letters, and the addresses --allow admits (b toggles)")
	fl.StringVar(&f.exercise, "exercise", "", "a file of rules checked per student, one a line (student.requests >= 5, student.closed_cleanly)")
	fl.StringVar(&f.traceFile, "trace-file", "", "write the server's socket calls to this file")
	fl.BoolVar(&f.json, "json", false, "write the --trace-file as JSON lines (docs/TRACE-FORMAT.md)")
	fl.StringVar(&f.summary, "summary", "", "on exit, write the session's summary to PREFIX.csv and PREFIX.json (default: socklab-class-DATE-TIME in this directory)")
	return cmd
}

// classConfig reads the arguments and flags of socklab class.
func classConfig(args []string, f classFlags) (service.ClassConfig, ui.Theme, error) {
	var cfg service.ClassConfig
	if err := cmp.Or(
		intIn("max-clients", f.maxClients, 1, 100000, "a number of clients"),
		intIn("per-student", f.perStudent, 0, 100000, "a number of connections (0: no cap)"),
		durationIn("idle-timeout", f.idle, 0, 24*time.Hour, "a duration (0: never)"),
		intIn("backlog", f.backlog, 0, 65535, "a backlog (0: the system's maximum)"),
		durationIn("request-timeout", f.reqTimeout, 100*time.Millisecond, time.Hour, "a duration"),
		durationIn("linger", f.linger, 100*time.Millisecond, time.Hour, "a duration"),
	); err != nil {
		return cfg, 0, err
	}
	if err := rateIn(f.rate); err != nil {
		return cfg, 0, err
	}
	if err := intIn("rate-bytes", f.rateBytes, 1024, 1<<30, "bytes a second per student"); err != nil {
		return cfg, 0, err
	}
	th, err := themeFlag(f.theme)
	if err != nil {
		return cfg, 0, err
	}
	// Every interface by default: the students are on other machines.
	svc, addr, err := serviceAddr(args, "", "0.0.0.0")
	if err != nil {
		return cfg, 0, err
	}
	var allow service.AllowList
	for _, a := range f.allow {
		p, err := service.ParseAllow(a)
		if err != nil {
			return cfg, 0, err
		}
		allow = append(allow, p)
	}
	idle := f.idle
	if idle == 0 {
		idle = -1
	}
	cfg = service.ClassConfig{Linger: f.linger, Server: service.ServerConfig{Service: svc, Addr: addr,
		IdleTimeout: idle, MaxClients: f.maxClients, PerStudent: f.perStudent, Backlog: f.backlog, RequestTimeout: f.reqTimeout,
		Rate: f.rate, Allow: allow}}
	if f.rate > 0 {
		cfg.Server.ByteRate = float64(f.rateBytes)
	}
	return cfg, th, nil
}

// rateIn checks --rate: NaN and ±Inf are not rates (NaN compares false
// with every bound, so it would pass a range check and mean no limit), and
// a rate below one request in ten seconds is a typo, not a limit.
func rateIn(r float64) error {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return fmt.Errorf("--rate %g: want a number of requests a second (0: no limit)", r)
	case r != 0 && (r < 0.1 || r > 1e6):
		return fmt.Errorf("--rate %g: want requests a second from 0.1 to 1000000, or 0 for no limit", r)
	}
	return nil
}

package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/privnet"
	"github.com/socklab/socklab/internal/program"
	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/service"
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
		Use:   "run [flags] -- PROGRAM [ARGS...] [-- CLIENT [ARGS...]]",
		Short: "Run your own program and show its socket calls and the segments they sent",
		Long: "run starts PROGRAM (Python, C, Go, any Linux executable) inside socklab's private network,\n" +
			"traces its socket calls (ptrace, with a seccomp filter so only socket calls stop it) and\n" +
			"prints each one as the kernel answered it, with the segments each call put on the wire.\n\n" +
			"A server program gets socklab's client: it connects to the port the program listened on\n" +
			"and sends each --send line, reading the reply. A client program gets socklab's server with\n" +
			"--serve echo|calc (on --port, 65432 by default, as in the seeds).\n" +
			"A second -- starts a second program, the client of the first: both are traced, the client\n" +
			"once the server listens ({port} in its arguments becomes the port the kernel gave), and the\n" +
			"server is stopped a second after its client ended, if it has not ended by itself.\n" +
			"The programs' own output goes to stderr; the trace to stdout.",
		Example: "  socklab run --send hello --send world -- python3 server.py\n" +
			"  socklab run --serve echo -- python3 client.py\n" +
			"  socklab run --json --pcap run.pcapng -- ./server 65432\n" +
			"  socklab run -- python3 echo_server.py -- python3 echo_client.py",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 0 {
				return errors.New("put the program after --: socklab run [flags] -- PROGRAM [ARGS...]")
			}
			tui := !f.trace && !f.asJSON && f.format == "text" && isTerminal(os.Stdout) && isTerminal(os.Stdin)
			if f.step && !tui {
				return errors.New("--step needs the terminal UI (someone must press n): run without --trace/--json, in a terminal")
			}
			cfg, format, err := runConfig(args, network.Wire(), f)
			if err != nil {
				return err
			}
			if !tui {
				return program.Trace(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), os.Stdin, cfg, format, f.timeout)
			}
			th, err := themeFlag(f.theme)
			if err != nil {
				return err
			}
			opts := tuiDefaults()
			opts.Theme = th
			return program.Show(cmd.Context(), cfg, opts, f.step)
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

// runConfig checks run's flags and makes the program's Config.
func runConfig(argv []string, wire netlab.WireConfig, f runFlags) (program.Config, program.Format, error) {
	format := map[string]program.Format{"text": program.Text, "json": program.JSON, "md": program.Markdown}
	if f.asJSON {
		f.format = "json"
	}
	fm, ok := format[f.format]
	if !ok {
		return program.Config{}, 0, fmt.Errorf("--format %q: want text, json or md", f.format)
	}
	if f.serve != "" && f.serve != service.Echo && f.serve != service.Calc {
		return program.Config{}, 0, fmt.Errorf("--serve %q: want echo or calc", f.serve)
	}
	if err := cmp.Or(intIn("port", f.port, 1, 65535, "a port"),
		durationIn("timeout", f.timeout, 0, 24*time.Hour, "a time limit")); err != nil {
		return program.Config{}, 0, err
	}
	if f.serve != "" && len(f.send) > 0 {
		return program.Config{}, 0, errors.New("--send is for a server program and --serve for a client program: use one")
	}
	var client []string
	if i := slices.Index(argv, "--"); i >= 0 {
		argv, client = argv[:i], argv[i+1:]
		switch {
		case len(argv) == 0 || len(client) == 0:
			return program.Config{}, 0, errors.New("two programs: socklab run [flags] -- SERVER [ARGS...] -- CLIENT [ARGS...]")
		case f.serve != "" || len(f.send) > 0:
			return program.Config{}, 0, errors.New("two programs talk to each other: --serve and --send are for one program")
		}
	}
	return program.Config{Argv: argv, Wire: wire, Pcap: f.pcap, Serve: f.serve, Port: uint16(f.port), Send: f.send, Client: client}, fm, nil
}

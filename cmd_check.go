package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/privnet"
	"github.com/socklab/socklab/internal/program"
	"github.com/socklab/socklab/netlab/check"
)

// exitCode is an error that sets socklab's exit status without a message:
// check's status is the number of failed checks (for CI-style graders).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("%d checks failed", int(e)) }

func newCheckCmd(network privnet.Network) *cobra.Command {
	var (
		asJSON bool
		limit  time.Duration
		port   int
	)
	cmd := &cobra.Command{
		Use:   "check EXERCISE -- PROGRAM [ARGS...]",
		Short: "Grade your own program against a seed's exercise, explaining each result",
		Long: "check runs PROGRAM traced inside socklab's private network, talks to it as the exercise's\n" +
			"peer would, and prints one verdict per check, explained with the calls your program made.\n" +
			"Exercises: " + strings.Join(check.Kinds, ", ") + ".\n\n" +
			"A calculator client gets expressions on its standard input (" + strings.ReplaceAll(strings.TrimSpace(check.CalcInput), "\n", ", ") + ")\n" +
			"and socklab's calculator on --port (default 1081, the calculator seed's).\n\n" +
			"The exit status is the number of failed checks (0: all passed).",
		Example: "  socklab check echo-server -- python3 server.py\n  socklab check echo-server --json -- ./server 0\n" +
			"  socklab check echo-client -- python3 client.py\n  socklab check echo-client --port 0 -- ./client {port}\n" +
			"  socklab check calc-server -- python3 SocketServer.py localhost 1081\n  socklab check calc-client -- python3 SocketClient.py localhost 1081",
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 1 {
				return fmt.Errorf("write the exercise, then -- and the program: socklab check %s -- PROGRAM [ARGS...]", strings.Join(check.Kinds, "|"))
			}
			if err := durationIn("limit", limit, 100*time.Millisecond, 10*time.Minute, "a time limit per check"); err != nil {
				return err
			}
			if err := intIn("port", port, 0, 65535, "a port (0: any; the program gets it as {port})"); err != nil {
				return err
			}
			if args[0] == "calc-client" && !cmd.Flags().Changed("port") {
				port = 1081 // the calculator seed's port
			}
			if port == 0 {
				port = -1
			}
			return runCheck(cmd.Context(), cmd.OutOrStdout(), args[0], args[1:], check.Config{Limit: limit, Port: port, Wire: network.Wire()}, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per check")
	cmd.Flags().IntVar(&port, "port", 65432, "client exercises: the port of socklab's server (echo: 65432 as in the seeds, calc: 1081; 0: any); an argument {port} is replaced by it")
	cmd.Flags().DurationVar(&limit, "limit", 10*time.Second, "the time limit of each check; a program still blocked then is stopped and the report says where")
	addHostNetworkFlag(cmd)
	return cmd
}

func runCheck(ctx context.Context, w io.Writer, kind string, argv []string, cfg check.Config, asJSON bool) error {
	format := program.Text
	if asJSON {
		format = program.JSON
	}
	cfg.Argv = argv
	failed, err := program.Check(ctx, w, kind, cfg, format)
	if err != nil {
		return err
	}
	if failed > 0 {
		return exitCode(failed)
	}
	return nil
}

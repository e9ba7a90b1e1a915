// Command socklab teaches socket programming by doing it for real: it runs a
// server and clients inside its own process over real loopback sockets and
// shows every call with what the kernel answered.
//
// This file and the other cmd_*.go files are the command line only: cobra
// and fang wiring, flags and exit codes. The work is in netlab (sockets,
// services), lessons and ui.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"github.com/socklab/socklab/netlab"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:]))
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	err := fang.Execute(ctx, root,
		fang.WithVersion(version),
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM),
		fang.WithErrorHandler(printError),
	)
	if err != nil {
		return 1
	}
	return 0
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "socklab",
		Short: "Learn socket programming with real sockets, one call at a time",
		Long: "socklab runs a server and clients inside its own process over real loopback sockets\n" +
			"and shows every call (socket, bind, listen, accept, connect, send, recv, shutdown, close)\n" +
			"with the fds, ports, byte counts, errors and TCP states the kernel reports.\n\n" +
			"With no command it opens the terminal UI.",
		Args: cobra.NoArgs,
	}
	addTUIFlags(root)
	root.AddCommand(newServeCmd(), newClientCmd())
	root.AddCommand(lessonCommands()...)
	root.AddCommand(newBenchCmd())
	return root
}

// printError prints one line: what failed, the errno, and a hint.
func printError(w io.Writer, _ fang.Styles, err error) {
	line := "socklab: " + err.Error()
	var ce *netlab.CallError
	if errors.As(err, &ce) && ce.Hint() != "" {
		line += "; hint: " + ce.Hint()
	}
	fmt.Fprintln(w, line)
}

// Command socklab teaches socket programming by doing it for real: it runs a
// server and clients inside its own process over real loopback sockets and
// shows every call with what the kernel answered.
//
// This file and the other cmd_*.go files are the command line only: cobra
// and fang wiring, flags and exit codes. The work is in netlab (sockets,
// services), lessons, ui, and the commands' own packages under internal/
// (the private network, serve, client, run and check, output files).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/internal/privnet"
	"github.com/socklab/socklab/netlab/ptrace"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui"
)

// devVersion is socklab's version when the build does not say one.
const devVersion = "0.1.0-dev"

// version is the module's version the go command stamped into the binary
// (a release tag from go install …@vX, or a pseudo-version naming the
// commit of a build from a checkout), else devVersion. It is read, not set
// at link time, so no variable of the program stands open to change.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return devVersion
}

func main() {
	ptrace.Launch() // a traced program's launcher runs nothing else of socklab
	args := os.Args[1:]
	network := privnet.Host("in the host's network", "")
	if wantsPrivateNetwork(newRootCmd(network), args) {
		n, code, ran := privnet.Enter(args)
		if ran {
			os.Exit(code)
		}
		network = n
	} else if slices.Contains(args, "--host-network") {
		network = privnet.Host("--host-network: the labs share the host's loopback", "run without --host-network to see the segments")
	}
	os.Exit(run(context.Background(), args, network))
}

// run executes the command line, its labs in network, and returns the
// exit code.
//
// SIGINT, SIGTERM and SIGHUP from outside all end the command the same way
// q does: its context is cancelled, every socket is closed and the terminal
// is restored. SIGINT (ctrl+c of a headless command) and SIGTERM are the
// ways to ask a program to stop, so they exit 0 like q; SIGHUP means the
// terminal went away, and exits 129 (128+1) as shells report it.
func run(ctx context.Context, args []string, network privnet.Network) int {
	return runTo(ctx, args, network, nil)
}

// runTo is run with the command line's own output (help, errors) going to
// out when it is not nil: the tests of the flags run it in their process.
func runTo(ctx context.Context, args []string, network privnet.Network, out io.Writer) int {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		select {
		case s := <-sigs:
			cancel(stopSignal{s})
		case <-ctx.Done():
		}
	}()
	root := newRootCmd(network)
	root.SetArgs(args)
	if out != nil {
		root.SetOut(out)
		root.SetErr(out)
	}
	err := fang.Execute(ctx, root,
		fang.WithVersion(version()),
		fang.WithErrorHandler(func(w io.Writer, st fang.Styles, err error) {
			// An exitCode (check's count of failed checks) was reported
			// by its command already; an output error is said even after
			// a signal, since data was lost.
			var code exitCode
			if _, bySignal := context.Cause(ctx).(stopSignal); (!bySignal || output.IsError(err)) && !errors.As(err, &code) {
				printError(w, st, err)
			}
		}),
	)
	switch {
	case output.IsError(err):
		// A trace or pcap that could not be written is lost data: exit
		// 1 even when a signal ended the command.
		return 1
	case errors.Is(err, ui.ErrTerminalLost):
		return 128 + int(syscall.SIGHUP) // as a SIGHUP would
	}
	if sig, ok := context.Cause(ctx).(stopSignal); ok {
		return sig.exitCode()
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	if err != nil {
		return 1
	}
	return 0
}

// stopSignal is the cause of a command's end when a signal stopped it.
type stopSignal struct{ os.Signal }

func (s stopSignal) Error() string { return "stopped by " + s.String() }

func (s stopSignal) exitCode() int {
	n, ok := s.Signal.(syscall.Signal)
	if !ok || n == syscall.SIGTERM || n == syscall.SIGINT {
		return 0
	}
	return 128 + int(n)
}

// newRootCmd is the command line; the commands that run labs run them in
// network.
func newRootCmd(network privnet.Network) *cobra.Command {
	root := &cobra.Command{
		Use:   "socklab",
		Short: "Learn socket programming with real sockets, one call at a time",
		Long: "socklab runs a server and clients inside its own process over real loopback sockets\n" +
			"and shows every call (socket, bind, listen, accept, connect, send, recv, shutdown, close)\n" +
			"with the fds, ports, byte counts, errors and TCP states the kernel reports.\n\n" +
			"With no command it opens the terminal UI.",
		Args: cobra.NoArgs,
	}
	addTUIFlags(root, network)
	root.AddCommand(newServeCmd(), newClientCmd(), newClassCmd(), newConnectCmd())
	root.AddCommand(lessonCommands(network)...)
	root.AddCommand(newBenchCmd())
	root.AddCommand(newRunCmd(network), newCheckCmd(network))
	return root
}

// printError prints one line: what failed, the errno, and a hint.
func printError(w io.Writer, _ fang.Styles, err error) {
	line := "socklab: " + err.Error()
	var ce *sock.CallError
	if errors.As(err, &ce) && ce.Hint() != "" {
		line += "; hint: " + ce.Hint()
	}
	fmt.Fprintln(w, line)
}

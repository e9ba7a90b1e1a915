package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/safetext"
)

func newClientCmd() *cobra.Command {
	var (
		addrFlag string
		trace    bool
	)
	cmd := &cobra.Command{
		Use:   "client echo|calc [HOST [PORT]]",
		Short: "Connect to an echo or calculator server and send each line of standard input",
		Long: "Connect (python SocketClient.py localhost 1081), send each line of standard input and\n" +
			"print each reply on its own line. quit or the end of input ends it. From a pipe only the\n" +
			"replies are printed, so scripts can read them; --trace prints the client's own socket\n" +
			"calls on standard error.",
		Example: "  printf '2+3*4\\n2**100\\n' | socklab client calc\n  socklab client echo localhost 65432 --trace",
		Args:    cobra.RangeArgs(1, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			service, addr, err := serviceAddr(args, addrFlag)
			if err != nil {
				return err
			}
			if addr.Addr().IsUnspecified() {
				return fmt.Errorf("address %s: a client needs a concrete host, e.g. 127.0.0.1", addr)
			}
			return runClient(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), service, addr, trace)
		},
	}
	cmd.Flags().StringVar(&addrFlag, "addr", "", "connect to HOST:PORT (instead of the HOST PORT arguments)")
	cmd.Flags().BoolVar(&trace, "trace", false, "print the client's own socket calls on standard error")
	return cmd
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func runClient(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, service string, addr netip.AddrPort, trace bool) error {
	tr := netlab.Tracer{Actor: "client"}
	// The client's own calls are printed between its requests, in the
	// order they happened, on stderr so stdout keeps only the replies.
	var sub *netlab.Sub
	if trace {
		log := netlab.NewLog(1)
		sub = log.Subscribe(1 << 14)
		tr.Sink = log
	}
	flushTrace := func() {
		if sub == nil {
			return
		}
		for {
			select {
			case e := <-sub.C():
				fmt.Fprintln(stderr, e.String())
			default:
				return
			}
		}
	}
	defer flushTrace()
	c, err := netlab.Dial(ctx, tr, service, addr)
	flushTrace()
	if err != nil {
		return err
	}
	defer func() { c.Close(context.Background()); flushTrace() }()

	prompt := isTerminal(stdin)
	// Reading standard input happens in its own goroutine so that Ctrl-C
	// (ctx) ends the client even while it waits for a line.
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		r := bufio.NewReader(stdin)
		for {
			line, err := r.ReadString('\n')
			if line != "" {
				lines <- strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			}
			if err != nil {
				if err != io.EOF {
					readErr <- err
				}
				close(lines)
				return
			}
		}
	}()
	for {
		if prompt {
			fmt.Fprintf(stdout, "%s> ", service)
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			return err
		case line, ok = <-lines:
		}
		if !ok {
			return nil
		}
		if service == netlab.Echo {
			if strings.TrimSpace(line) == "quit" {
				return nil
			}
			got, err := c.Echo(ctx, []byte(line+"\n"))
			flushTrace()
			if err != nil {
				return clientErr(err)
			}
			// The server's bytes, not ours: a hostile one must not set the
			// terminal's title or clipboard. Line breaks and tabs stay.
			fmt.Fprint(stdout, safetext.Text(string(got)))
			continue
		}
		reply, err := c.Calc(ctx, line)
		flushTrace()
		if err != nil {
			return clientErr(err)
		}
		fmt.Fprintln(stdout, safetext.Text(reply))
		if strings.TrimSpace(line) == "quit" {
			return nil
		}
	}
}

func clientErr(err error) error {
	if errors.Is(err, netlab.ErrClosedByPeer) {
		return errors.New("the server closed the connection before replying")
	}
	return err
}

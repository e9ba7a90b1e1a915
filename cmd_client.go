package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/client"
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
			service, addr, err := serviceAddr(args, addrFlag, "127.0.0.1")
			if err != nil {
				return err
			}
			if addr.Addr().IsUnspecified() {
				return fmt.Errorf("address %s: a client needs a concrete host, e.g. 127.0.0.1", addr)
			}
			cfg := client.Config{Service: service, Addr: addr, In: cmd.InOrStdin(), Out: cmd.OutOrStdout(),
				Prompt: isTerminal(cmd.InOrStdin())}
			if trace {
				// On stderr, so stdout keeps only the replies.
				cfg.Trace = cmd.ErrOrStderr()
			}
			return client.REPL(cmd.Context(), cfg)
		},
	}
	cmd.Flags().StringVar(&addrFlag, "addr", "", "connect to HOST:PORT (instead of the HOST PORT arguments)")
	cmd.Flags().BoolVar(&trace, "trace", false, "print the client's own socket calls on standard error")
	return cmd
}

// isTerminal reports whether r is a terminal (a character device).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

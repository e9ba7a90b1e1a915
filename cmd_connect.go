package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/client"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui"
)

func newConnectCmd() *cobra.Command {
	var service, theme string
	cmd := &cobra.Command{
		Use:   "connect HOST PORT",
		Short: "Connect to a server on another machine (the instructor's) and watch your own calls",
		Long: "Open the client side of a lab pane against a remote echo or calculator server: your own\n" +
			"socket, connect, send and recv calls with the fds, the ephemeral port and the TCP states your\n" +
			"kernel reports. The server's calls happen on its machine and are not seen; what comes back is.\n\n" +
			"The protocol is --service; without it, port 1081 (the calculator tutorial's) means calc and\n" +
			"any other port means echo. Nothing is sent to find out.",
		Example: "  socklab connect 192.168.1.20 1081\n  socklab connect 192.168.1.20 65432\n  socklab connect 10.0.0.7 9000 --service calc",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := sock.ResolveHostPort(args[0], args[1])
			if err != nil {
				return err
			}
			if addr.Addr().IsUnspecified() {
				return fmt.Errorf("address %s: connect needs the server's address, e.g. 192.168.1.20", addr)
			}
			svc, why, err := client.ServiceFor(service, addr.Port())
			if err != nil {
				return err
			}
			th, err := themeFlag(theme)
			if err != nil {
				return err
			}
			opts := tuiDefaults()
			opts.Theme = th
			opts.Connect = &ui.ConnectOptions{Addr: addr, Service: svc, ServiceWhy: why}
			return ui.Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&service, "service", "", "the server's protocol: echo or calc (default: calc on port 1081, echo otherwise)")
	cmd.Flags().StringVar(&theme, "theme", "auto", "colours: auto, dark, light or high-contrast")
	return cmd
}

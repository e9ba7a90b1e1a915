package main

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/privnet"
)

// wantsPrivateNetwork reports whether the command in args runs labs whose
// wire socklab should capture: the TUI, `lesson N` and `trace N`. `serve`
// and `client` stay in the host's network (other programs must reach
// them); help and --version never pay for a second process.
func wantsPrivateNetwork(root *cobra.Command, args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "--help", "--version", "-v", "--host-network":
			return false
		}
		if a == "--" {
			break
		}
	}
	cmd, _, err := root.Find(args)
	if err != nil {
		return false
	}
	return cmd == root || slices.Contains([]string{"lesson", "trace", "run", "check"}, cmd.Name())
}

// addAnyAddressFlag declares --any-address: lessons may use addresses
// other than loopback when they run in the host's network.
func addAnyAddressFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "any-address", false, "in the host's network, let lesson files bind, connect and send to addresses other than loopback (by default a wildcard bind becomes loopback and other addresses are refused)")
}

// loopbackOnly says whether lessons are kept on loopback: in the host's
// network, unless the instructor passed --any-address.
func loopbackOnly(n privnet.Network, anyAddr bool) bool { return !n.Private() && !anyAddr }

// addHostNetworkFlag declares --host-network. main reads it before cobra
// does (it decides whether a second process runs at all); the flag is
// declared so that help lists it and cobra accepts it.
func addHostNetworkFlag(cmd *cobra.Command) {
	cmd.Flags().Bool("host-network", false, "run the labs in the host's network, where outside programs such as nc can reach them (the wire then needs root)")
}

package privnet

import (
	"os"

	"github.com/socklab/socklab/netlab"
)

// Network is where this process's labs run: a private network namespace
// (where capture on lo needs no privilege) or the host's, and why.
type Network struct {
	private bool
	reason  string // why the labs are in the host's network
	hint    string // what would give them a private one
}

// Host is the host's network: reason says why the labs are there, hint
// what would give them a private one ("" when nothing would).
func Host(reason, hint string) Network { return Network{reason: reason, hint: hint} }

// Private reports whether the labs run in a private network namespace.
func (n Network) Private() bool { return n.private }

// Wire is the capture setting the labs get from the network.
func (n Network) Wire() netlab.WireConfig {
	if n.private {
		return netlab.WireConfig{Capture: true, Private: true}
	}
	if os.Geteuid() == 0 {
		// Root may capture on the host's lo; each lab keeps only the
		// segments of its own sockets.
		return netlab.WireConfig{Capture: true, Off: n.reason, Hint: n.hint}
	}
	return netlab.WireConfig{Off: n.reason, Hint: n.hint}
}

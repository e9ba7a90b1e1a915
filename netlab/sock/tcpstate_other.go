//go:build !linux && !darwin

package sock

import (
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
)

// Other platforms have no TCP state source wired in yet: the screen shows no
// state rather than a guessed one.
func tcpState(fd int) event.TCPState { return event.StateNone }

func tcpInfo(fd int) (event.TCPState, event.Segs) { return event.StateNone, event.Segs{} }

func stateByTuple(local, remote netip.AddrPort) event.TCPState { return event.StateNone }

func lookupByTuple(local, remote netip.AddrPort) (event.TCPState, event.Op) {
	return event.StateNone, event.OpNone
}

const tcpInfoName = "TCP_INFO"

//go:build !linux && !darwin

package netlab

import "net/netip"

// Other platforms have no TCP state source wired in yet: the screen shows no
// state rather than a guessed one.
func tcpState(fd int) TCPState { return StateNone }

func tcpInfo(fd int) (TCPState, Segs) { return StateNone, Segs{} }

func stateByTuple(local, remote netip.AddrPort) TCPState { return StateNone }

func lookupByTuple(local, remote netip.AddrPort) (TCPState, Op) { return StateNone, OpNone }

const tcpInfoName = "TCP_INFO"

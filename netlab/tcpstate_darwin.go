package netlab

import (
	"net/netip"

	"golang.org/x/sys/unix"
)

// darwinStates maps the TCPS_* values of netinet/tcp_fsm.h onto TCPState.
var darwinStates = [...]TCPState{
	0:  StateClosed,
	1:  StateListen,
	2:  StateSynSent,
	3:  StateSynRecv,
	4:  StateEstablished,
	5:  StateCloseWait,
	6:  StateFinWait1,
	7:  StateClosing,
	8:  StateLastAck,
	9:  StateFinWait2,
	10: StateTimeWait,
}

func fromKernelState(v uint8) TCPState {
	if int(v) < len(darwinStates) {
		return darwinStates[v]
	}
	return StateNone
}

// tcpState reads the state with getsockopt(TCP_CONNECTION_INFO).
func tcpState(fd int) TCPState {
	st, _ := tcpInfo(fd)
	return st
}

// tcpInfo is tcpState with the packet counters of the same read.
func tcpInfo(fd int) (TCPState, Segs) {
	info, err := unix.GetsockoptTCPConnectionInfo(fd, unix.IPPROTO_TCP, unix.TCP_CONNECTION_INFO)
	if err != nil {
		return StateNone, Segs{}
	}
	return fromKernelState(info.State), Segs{Out: info.Txpackets, In: info.Rxpackets,
		Retrans: info.Txretransmitpackets, Valid: true}
}

// stateByTuple has no cheap equivalent of /proc/net/tcp on macOS.
func stateByTuple(local, remote netip.AddrPort) TCPState { return StateNone }

func lookupByTuple(local, remote netip.AddrPort) (TCPState, Op) { return StateNone, OpNone }

const tcpInfoName = "TCP_CONNECTION_INFO"

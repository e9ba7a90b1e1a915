package sock

import (
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// darwinStates maps the TCPS_* values of netinet/tcp_fsm.h onto TCPState.
var darwinStates = [...]event.TCPState{
	0:  event.StateClosed,
	1:  event.StateListen,
	2:  event.StateSynSent,
	3:  event.StateSynRecv,
	4:  event.StateEstablished,
	5:  event.StateCloseWait,
	6:  event.StateFinWait1,
	7:  event.StateClosing,
	8:  event.StateLastAck,
	9:  event.StateFinWait2,
	10: event.StateTimeWait,
}

func fromKernelState(v uint8) event.TCPState {
	if int(v) < len(darwinStates) {
		return darwinStates[v]
	}
	return event.StateNone
}

// tcpState reads the state with getsockopt(TCP_CONNECTION_INFO).
func tcpState(fd int) event.TCPState {
	st, _ := tcpInfo(fd)
	return st
}

// tcpInfo is tcpState with the packet counters of the same read.
func tcpInfo(fd int) (event.TCPState, event.Segs) {
	info, err := unix.GetsockoptTCPConnectionInfo(fd, unix.IPPROTO_TCP, unix.TCP_CONNECTION_INFO)
	if err != nil {
		return event.StateNone, event.Segs{}
	}
	return fromKernelState(info.State), event.Segs{Out: info.Txpackets, In: info.Rxpackets,
		Retrans: info.Txretransmitpackets, Valid: true}
}

// stateByTuple has no cheap equivalent of /proc/net/tcp on macOS.
func stateByTuple(local, remote netip.AddrPort) event.TCPState { return event.StateNone }

func lookupByTuple(local, remote netip.AddrPort) (event.TCPState, event.Op) {
	return event.StateNone, event.OpNone
}

const tcpInfoName = "TCP_CONNECTION_INFO"

package sock

import (
	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// linuxStates maps include/net/tcp_states.h onto TCPState.
var linuxStates = [...]event.TCPState{
	1:  event.StateEstablished,
	2:  event.StateSynSent,
	3:  event.StateSynRecv,
	4:  event.StateFinWait1,
	5:  event.StateFinWait2,
	6:  event.StateTimeWait,
	7:  event.StateClosed,
	8:  event.StateCloseWait,
	9:  event.StateLastAck,
	10: event.StateListen,
	11: event.StateClosing,
}

func fromKernelState(v uint8) event.TCPState {
	if int(v) < len(linuxStates) {
		return linuxStates[v]
	}
	return event.StateNone
}

// tcpState reads the state of a TCP socket with getsockopt(TCP_INFO): one
// system call, no allocation beyond the info struct.
func tcpState(fd int) event.TCPState {
	st, _ := tcpInfo(fd)
	return st
}

// tcpInfo is tcpState with the segment counters of the same TCP_INFO read.
func tcpInfo(fd int) (event.TCPState, event.Segs) {
	info, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil {
		return event.StateNone, event.Segs{}
	}
	return fromKernelState(info.State), event.Segs{Out: uint64(info.Segs_out), In: uint64(info.Segs_in),
		Retrans: uint64(info.Total_retrans), Valid: true}
}

const tcpInfoName = "TCP_INFO"

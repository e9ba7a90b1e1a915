package netlab

import "golang.org/x/sys/unix"

// linuxStates maps include/net/tcp_states.h onto TCPState.
var linuxStates = [...]TCPState{
	1:  StateEstablished,
	2:  StateSynSent,
	3:  StateSynRecv,
	4:  StateFinWait1,
	5:  StateFinWait2,
	6:  StateTimeWait,
	7:  StateClosed,
	8:  StateCloseWait,
	9:  StateLastAck,
	10: StateListen,
	11: StateClosing,
}

func fromKernelState(v uint8) TCPState {
	if int(v) < len(linuxStates) {
		return linuxStates[v]
	}
	return StateNone
}

// tcpState reads the state of a TCP socket with getsockopt(TCP_INFO): one
// system call, no allocation beyond the info struct.
func tcpState(fd int) TCPState {
	st, _ := tcpInfo(fd)
	return st
}

// tcpInfo is tcpState with the segment counters of the same TCP_INFO read.
func tcpInfo(fd int) (TCPState, Segs) {
	info, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil {
		return StateNone, Segs{}
	}
	return fromKernelState(info.State), Segs{Out: uint64(info.Segs_out), In: uint64(info.Segs_in),
		Retrans: uint64(info.Total_retrans), Valid: true}
}

const tcpInfoName = "TCP_INFO"

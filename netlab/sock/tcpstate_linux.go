package sock

import (
	"unsafe"

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
// system call, no allocation.
func tcpState(fd int) event.TCPState {
	st, _ := tcpInfo(fd)
	return st
}

// tcpInfo is tcpState with the segment counters of the same TCP_INFO read.
func tcpInfo(fd int) (event.TCPState, event.Segs) {
	var info unix.TCPInfo
	if readTCPInfo(fd, &info) != nil {
		return event.StateNone, event.Segs{}
	}
	return fromKernelState(info.State), event.Segs{Out: uint64(info.Segs_out), In: uint64(info.Segs_in),
		Retrans: uint64(info.Total_retrans), Valid: true}
}

const tcpInfoName = "TCP_INFO"

// readTCPInfo is getsockopt(fd, IPPROTO_TCP, TCP_INFO) into info.
// unix.GetsockoptTCPInfo returns a new struct (232 bytes) for every read,
// and a lab reads the state after every call: a third of a lab echo round
// trip's garbage (docs/PERFORMANCE.md).
func readTCPInfo(fd int, info *unix.TCPInfo) error {
	n := uint32(unsafe.Sizeof(*info))
	_, _, errno := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.IPPROTO_TCP, unix.TCP_INFO,
		uintptr(unsafe.Pointer(info)), uintptr(unsafe.Pointer(&n)), 0)
	if errno != 0 {
		return errno
	}
	return nil
}

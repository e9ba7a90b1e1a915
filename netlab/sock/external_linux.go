package sock

import (
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// FDState reads what the kernel says about socket fd (a copy socklab holds
// of a traced program's socket, from pidfd_getfd): its addresses from
// getsockname/getpeername and, for TCP, the state and counters of one
// TCP_INFO read. Addresses it cannot read are left invalid.
func FDState(fd int) (local, remote netip.AddrPort, st event.TCPState, segs event.Segs) {
	if sa, err := unix.Getsockname(fd); err == nil {
		local = fromSockaddr(sa)
	}
	if sa, err := unix.Getpeername(fd); err == nil {
		remote = fromSockaddr(sa)
	}
	if typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err == nil && typ == unix.SOCK_STREAM {
		if dom, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN); err == nil && (dom == unix.AF_INET || dom == unix.AF_INET6) {
			st, segs = tcpInfo(fd)
		}
	}
	return
}

// StateByTuple looks a TCP connection up by its addresses (sock_diag, or
// /proc/net/tcp), for a socket whose fd is already closed: FIN_WAIT1,
// TIME_WAIT, or StateNone when the kernel has forgotten it.
func StateByTuple(local, remote netip.AddrPort) event.TCPState { return stateByTuple(local, remote) }

package sock

import (
	"encoding/binary"
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// stateByTuple asks the kernel for the state of one TCP connection by its
// 4-tuple with a sock_diag netlink request (what ss(8) uses), so a
// connection whose fd is already closed (FIN_WAIT2, TIME_WAIT) can still be
// reported. The exact lookup costs a few microseconds however many
// connections exist; /proc/net/tcp is the fallback when netlink is refused.
func stateByTuple(local, remote netip.AddrPort) event.TCPState {
	st, _ := lookupByTuple(local, remote)
	return st
}

// lookupByTuple is stateByTuple that also says which source answered.
func lookupByTuple(local, remote netip.AddrPort) (event.TCPState, event.Op) {
	if !local.IsValid() || !remote.IsValid() {
		return event.StateNone, event.OpNone
	}
	if st, ok := diagState(local, remote); ok {
		return st, event.OpSockDiag
	}
	return procState(local, remote), event.OpProcNetTCP
}

const (
	nlmsgHdrLen      = 16
	inetDiagReqLen   = 56
	inetDiagNoCookie = ^uint32(0)
)

func diagState(local, remote netip.AddrPort) (event.TCPState, bool) {
	fam := unix.AF_INET
	if FamilyOf(local.Addr()) == IPv6 {
		fam = unix.AF_INET6
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return event.StateNone, false
	}
	defer unix.Close(fd)
	// A reply that never comes must not hang the caller.
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Usec: 200000})

	req := make([]byte, nlmsgHdrLen+inetDiagReqLen)
	ne := binary.NativeEndian // netlink speaks the host's byte order
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST)
	ne.PutUint32(req[8:], 1)
	p := req[nlmsgHdrLen:]
	p[0] = byte(fam)
	p[1] = unix.IPPROTO_TCP
	ne.PutUint32(p[4:], ^uint32(0)) // every state
	id := p[8:]
	binary.BigEndian.PutUint16(id[0:], local.Port())
	binary.BigEndian.PutUint16(id[2:], remote.Port())
	putDiagAddr(id[4:20], local.Addr(), fam)
	putDiagAddr(id[20:36], remote.Addr(), fam)
	ne.PutUint32(id[40:], inetDiagNoCookie)
	ne.PutUint32(id[44:], inetDiagNoCookie)

	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return event.StateNone, false
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil || n < nlmsgHdrLen+2 {
		return event.StateNone, false
	}
	switch ne.Uint16(buf[4:]) {
	case unix.NLMSG_ERROR:
		// ENOENT: the kernel has no such connection any more — a real answer.
		if n >= nlmsgHdrLen+4 && int32(ne.Uint32(buf[nlmsgHdrLen:])) == -int32(unix.ENOENT) {
			return event.StateNone, true
		}
		return event.StateNone, false
	case unix.SOCK_DIAG_BY_FAMILY:
		// The kernel's exact lookup falls back to a listening socket on the
		// local port when the connection itself is gone; that answer is
		// about another socket, so it must match the asked remote end.
		msg := buf[nlmsgHdrLen:n]
		if len(msg) < 4+36 {
			return event.StateNone, false
		}
		rid := msg[4:]
		if binary.BigEndian.Uint16(rid[2:]) != remote.Port() || binary.BigEndian.Uint16(rid[0:]) != local.Port() {
			return event.StateNone, true
		}
		return fromKernelState(msg[1]), true
	}
	return event.StateNone, false
}

func putDiagAddr(dst []byte, a netip.Addr, fam int) {
	if fam == unix.AF_INET {
		b := a.Unmap().As4()
		copy(dst, b[:])
		return
	}
	b := a.As16()
	copy(dst, b[:])
}

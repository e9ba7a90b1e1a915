//go:build unix

package sock

import (
	"net/netip"

	"golang.org/x/sys/unix"
)

// toSockaddr builds the sockaddr for a call on a socket of family fam. An
// IPv6 address given to an IPv4 socket goes to the kernel as the
// sockaddr_in6 it is, so the kernel answers with its own errno
// (EAFNOSUPPORT) instead of socklab guessing one (or, as As4 would, panicking).
func toSockaddr(a netip.AddrPort, fam Family) unix.Sockaddr {
	if fam == IPv6 || (a.Addr().Is6() && !a.Addr().Is4In6()) {
		return &unix.SockaddrInet6{Addr: a.Addr().As16(), Port: int(a.Port())}
	}
	return &unix.SockaddrInet4{Addr: a.Addr().Unmap().As4(), Port: int(a.Port())}
}

func fromSockaddr(sa unix.Sockaddr) netip.AddrPort {
	if sa, ok := sa.(*unix.SockaddrInet4); ok {
		return addrPortOf(sa.Addr[:], sa.Port)
	}
	if sa, ok := sa.(*unix.SockaddrInet6); ok {
		return addrPortOf(sa.Addr[:], sa.Port)
	}
	return netip.AddrPort{}
}

func domainOf(f Family) int {
	if f == IPv6 {
		return unix.AF_INET6
	}
	return unix.AF_INET
}

func sotypeOf(t Type) int {
	if t == Datagram {
		return unix.SOCK_DGRAM
	}
	return unix.SOCK_STREAM
}

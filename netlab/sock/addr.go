package sock

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Family is the address family of a socket.
type Family uint8

const (
	IPv4 Family = iota // AF_INET
	IPv6               // AF_INET6
)

func (f Family) String() string {
	if f == IPv6 {
		return "AF_INET6"
	}
	return "AF_INET"
}

// FamilyOf returns the family a socket needs to reach addr.
func FamilyOf(addr netip.Addr) Family {
	if addr.Is6() && !addr.Is4In6() {
		return IPv6
	}
	return IPv4
}

// Type is the socket type.
type Type uint8

const (
	Stream   Type = iota // SOCK_STREAM (TCP)
	Datagram             // SOCK_DGRAM (UDP)
)

func (t Type) String() string {
	if t == Datagram {
		return "SOCK_DGRAM"
	}
	return "SOCK_STREAM"
}

// ResolveHostPort turns the HOST and PORT a student types (as in
// `python SocketServer.py localhost 1081`) into an address. "localhost"
// becomes 127.0.0.1 (as Python's socket module does for AF_INET), an empty
// host the IPv4 wildcard; other names go through the system resolver.
func ResolveHostPort(host, port string) (netip.AddrPort, error) {
	p, err := ParsePort(port)
	if err != nil {
		return netip.AddrPort{}, err
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	switch host {
	case "", "0.0.0.0", "*":
		return netip.AddrPortFrom(netip.IPv4Unspecified(), p), nil
	case "localhost":
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), p), nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return netip.AddrPort{}, fmt.Errorf("host %q: zones are not supported", host)
		}
		return netip.AddrPortFrom(a.Unmap(), p), nil
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return netip.AddrPort{}, fmt.Errorf("host %q: cannot resolve it (try 127.0.0.1 or ::1)", host)
	}
	for _, ip := range ips {
		if v4 := ip.To4(); v4 != nil {
			return netip.AddrPortFrom(netip.AddrFrom4([4]byte(v4)), p), nil
		}
	}
	a, _ := netip.AddrFromSlice(ips[0])
	return netip.AddrPortFrom(a, p), nil
}

// ParseAddr parses "HOST:PORT" ("[::1]:1081" for IPv6).
func ParseAddr(s string) (netip.AddrPort, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("address %q: want HOST:PORT, e.g. 127.0.0.1:1081 or [::1]:1081", s)
	}
	return ResolveHostPort(host, port)
}

// ParsePort parses a port number: a 16-bit unsigned integer, 0 to 65535.
func ParsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("port %q: not a number (a port is 0 to 65535)", s)
	}
	if n > 65535 {
		return 0, fmt.Errorf("port %d: out of range (a port is a 16-bit number, 0 to 65535)", n)
	}
	return uint16(n), nil
}

// IsLoopback reports whether addr can only be reached from this machine.
func IsLoopback(addr netip.Addr) bool { return addr.Unmap().IsLoopback() }

// ConnectTarget is where a client connects to reach a server bound to addr:
// a wildcard address (0.0.0.0, ::) is not a destination, so the loopback
// address of the same family stands in for it.
func ConnectTarget(addr netip.AddrPort) netip.AddrPort {
	if !addr.Addr().IsUnspecified() {
		return addr
	}
	if FamilyOf(addr.Addr()) == IPv6 {
		return netip.AddrPortFrom(netip.IPv6Loopback(), addr.Port())
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), addr.Port())
}

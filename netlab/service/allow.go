package service

import (
	"fmt"
	"net/netip"
	"strings"
)

// AllowList is the set of source networks a server serves (--allow). A
// connection from anywhere else is accepted (the kernel has already finished
// its handshake; only accept can take it off the queue) and closed at once,
// unanswered. An empty list allows every source.
type AllowList []netip.Prefix

// ParseAllow reads one --allow value: a prefix ("192.168.1.0/24",
// "fd00::/8") or a single address ("10.0.0.5", taken as /32 or /128).
func ParseAllow(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		if p.Addr().Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("--allow %q: zones are not supported", s)
		}
		if p.Addr().Is4In6() {
			if p.Bits() < 96 {
				return netip.Prefix{}, fmt.Errorf("--allow %q: an IPv4-mapped prefix needs at least 96 bits", s)
			}
			return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked(), nil
		}
		return p.Masked(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.Prefix{}, fmt.Errorf("--allow %q: want a network like 192.168.1.0/24 or an address like 192.168.1.7", s)
}

// Allows reports whether a connection from addr may be served. An
// IPv4-mapped IPv6 source (an IPv4 client of a dual-stack listener) is
// matched as the IPv4 address it maps.
func (l AllowList) Allows(addr netip.Addr) bool {
	if len(l) == 0 {
		return true
	}
	addr = addr.Unmap()
	for _, p := range l {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// String lists the prefixes as they are typed: "10.77.0.0/24, 10.0.0.5/32".
func (l AllowList) String() string {
	parts := make([]string, len(l))
	for i, p := range l {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

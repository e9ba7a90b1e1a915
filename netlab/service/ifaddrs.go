package service

import (
	"net"
	"net/netip"
)

// ReachableAddrs lists the addresses other machines may use to reach a
// server bound to bind, as the interfaces report them (net.Interfaces):
// for a wildcard bind, every address of every interface that is up, except
// loopback and link-local ones (IPv4 only for 0.0.0.0, both families for
// ::); for any other address, that address alone.
func ReachableAddrs(bind netip.Addr) []netip.Addr {
	if !bind.IsUnspecified() {
		return []netip.Addr{bind.Unmap()}
	}
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip, ok := netip.AddrFromSlice(ipn.IP)
			if !ok {
				continue
			}
			ip = ip.Unmap()
			if ip.IsLoopback() || ip.IsLinkLocalUnicast() || (bind.Is4() && !ip.Is4()) {
				continue
			}
			out = append(out, ip)
		}
	}
	return out
}

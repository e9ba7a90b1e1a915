package wire

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
)

// icmpError reports whether an ICMP type is an error message, the kind that
// quotes a datagram; echo and the other queries are not modelled.
func icmpError(v6 bool, typ uint8) bool {
	if v6 {
		return typ < 128 // RFC 4443 §2.1: types 0–127 are errors
	}
	switch typ {
	case 3, 4, 5, 11, 12: // destination unreachable, source quench, redirect, time exceeded, parameter problem
		return true
	}
	return false
}

// icmpCodes names an ICMP error type and its codes: the names Wireshark's
// and gopacket's tables use ("DestinationUnreachable(Port)").
type icmpCodes struct {
	name  string
	codes []string // by code; nil: the type has no codes
}

var icmp4Names = map[uint8]icmpCodes{
	3: {"DestinationUnreachable", []string{"Net", "Host", "Protocol", "Port", "FragmentationNeeded", "SourceRoutingFailed",
		"NetUnknown", "HostUnknown", "SourceIsolated", "NetAdminProhibited", "HostAdminProhibited", "NetTOS", "HostTOS",
		"CommAdminProhibited", "HostPrecedence", "PrecedenceCutoff"}},
	4:  {"SourceQuench", nil},
	5:  {"Redirect", []string{"Net", "Host", "TOS+Net", "TOS+Host"}},
	11: {"TimeExceeded", []string{"TTLExceeded", "FragmentReassemblyTimeExceeded"}},
	12: {"ParameterProblem", []string{"PointerIndicatesError", "MissingOption", "BadLength"}},
}

var icmp6Names = map[uint8]icmpCodes{
	1: {"DestinationUnreachable", []string{"NoRouteToDst", "AdminProhibited", "BeyondScopeOfSrc", "AddressUnreachable",
		"PortUnreachable", "SrcAddressFailedPolicy", "RejectRouteToDst"}},
	2: {"PacketTooBig", nil},
	3: {"TimeExceeded", []string{"HopLimitExceeded", "FragmentReassemblyTimeExceeded"}},
	4: {"ParameterProblem", []string{"ErroneousHeaderField", "UnrecognizedNextHeader", "UnrecognizedIPv6Option"}},
}

// icmpName is the name of an ICMP error's type and code, which the
// vocabulary (event.ICMP) carries: "Type(Code)", "Type" for a type
// without codes, numbers where the tables have no name.
func icmpName(v6 bool, typ, code uint8) string {
	names := icmp4Names
	if v6 {
		names = icmp6Names
	}
	n, ok := names[typ]
	switch {
	case !ok:
		return fmt.Sprintf("%d(%d)", typ, code)
	case n.codes == nil && code == 0:
		return n.name
	case int(code) < len(n.codes):
		return n.name + "(" + n.codes[code] + ")"
	}
	return fmt.Sprintf("%s(Code: %d)", n.name, code)
}

// decodeICMP fills s from an ICMP (v6: ICMPv6) message, b being the IP
// payload. Only error messages decode; a query is ErrUnsupported.
func decodeICMP(s *event.Segment, b []byte, v6 bool) error {
	name := "ICMPv4"
	if v6 {
		name = "ICMPv6"
	}
	if len(b) < 8 { // type, code, checksum, and the 4-byte rest of the header
		return fmt.Errorf("%w: %s header needs 8 bytes, %d captured", ErrTruncated, name, len(b))
	}
	typ, code := b[0], b[1]
	if !icmpError(v6, typ) {
		return fmt.Errorf("%w: %s type %d (not an error message)", ErrUnsupported, name, typ)
	}
	s.Proto = "icmp"
	if v6 {
		s.Proto = "icmp6"
	}
	s.ICMP = event.ICMP{Type: typ, Code: code, Name: icmpName(v6, typ, code), Quoted: event.ICMPQuote{Len: -1}}
	s.Len = len(b) - 8
	if n := min(len(b)-8, PayloadCopyMax); n > 0 {
		s.Payload = append(make([]byte, 0, n), b[8:8+n]...)
	}
	return parseQuote(&s.ICMP.Quoted, b[8:], v6, name)
}

// parseQuote reads the quoted IP header and the ports after it.
func parseQuote(q *event.ICMPQuote, b []byte, v6 bool, name string) error {
	var proto byte
	var src, dst netip.Addr
	var l4 []byte
	if v6 {
		if len(b) < 40 {
			return fmt.Errorf("%w: %s quotes %d bytes, an IPv6 header needs 40", ErrTruncated, name, len(b))
		}
		if b[0]>>4 != 6 {
			return fmt.Errorf("%w: %s quotes an IP header of version %d", ErrMalformed, name, b[0]>>4)
		}
		proto = b[6]
		src = netip.AddrFrom16([16]byte(b[8:24]))
		dst = netip.AddrFrom16([16]byte(b[24:40]))
		l4 = b[40:]
	} else {
		if len(b) < 20 {
			return fmt.Errorf("%w: %s quotes %d bytes, an IPv4 header needs 20", ErrTruncated, name, len(b))
		}
		ihl := int(b[0]&0x0f) * 4
		if b[0]>>4 != 4 || ihl < 20 {
			return fmt.Errorf("%w: %s quotes an IPv4 header with version %d, length %d", ErrMalformed, name, b[0]>>4, ihl)
		}
		if len(b) < ihl {
			return fmt.Errorf("%w: %s quotes %d of %d IPv4 header bytes", ErrTruncated, name, len(b), ihl)
		}
		proto = b[9]
		src = netip.AddrFrom4([4]byte(b[12:16]))
		dst = netip.AddrFrom4([4]byte(b[16:20]))
		l4 = b[ihl:]
	}
	switch proto {
	case protoUDP:
		q.Proto = "udp"
	case protoTCP:
		q.Proto = "tcp"
	default:
		// A quoted ICMP or other protocol: no ports to name a socket by.
		q.Src, q.Dst = netip.AddrPortFrom(src, 0), netip.AddrPortFrom(dst, 0)
		return nil
	}
	if len(l4) < 4 {
		return fmt.Errorf("%w: %s quotes no %s ports", ErrTruncated, name, q.Proto)
	}
	q.Src = netip.AddrPortFrom(src, binary.BigEndian.Uint16(l4[0:2]))
	q.Dst = netip.AddrPortFrom(dst, binary.BigEndian.Uint16(l4[2:4]))
	if q.Proto == "udp" && len(l4) >= 6 {
		if n := int(binary.BigEndian.Uint16(l4[4:6])); n >= 8 {
			q.Len = n - 8
		}
	}
	return nil
}

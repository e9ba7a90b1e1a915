package wire

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
	"github.com/socklab/socklab/netlab/event"
)

// icmpError reports whether an ICMP type is an error message, the kind that
// quotes a datagram; echo and the other queries are not modelled.
func icmpError(v6 bool, typ uint8) bool {
	if v6 {
		return typ < 128 // RFC 4443 §2.1: types 0–127 are errors
	}
	switch typ {
	case layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4TypeTimeExceeded,
		layers.ICMPv4TypeParameterProblem, layers.ICMPv4TypeSourceQuench, layers.ICMPv4TypeRedirect:
		return true
	}
	return false
}

// icmpName is gopacket's name of an ICMP type and code, which the
// vocabulary (event.ICMP) carries so that it need not know gopacket.
func icmpName(v6 bool, typ, code uint8) string {
	if v6 {
		return layers.CreateICMPv6TypeCode(typ, code).String()
	}
	return layers.CreateICMPv4TypeCode(typ, code).String()
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
	switch layers.IPProtocol(proto) {
	case layers.IPProtocolUDP:
		q.Proto = "udp"
	case layers.IPProtocolTCP:
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

package wire

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket/layers"
)

// ICMP holds an ICMP or ICMPv6 error message (Segment.Proto "icmp" or
// "icmp6"): its type and code, and the datagram it quotes, whose ports say
// which socket's send it answers.
type ICMP struct {
	Type, Code uint8
	// Quoted is the header of the datagram that caused the error, as the
	// ICMP message quotes it (RFC 792: the IP header and at least 8 bytes
	// of what followed; Linux quotes more).
	Quoted Quote
}

// Quote is the start of a quoted datagram: enough to name its socket.
type Quote struct {
	Proto    string         // "udp", "tcp", or "" when the quote was too short to tell
	Src, Dst netip.AddrPort // the original sender and destination
	Len      int            // the UDP length field less its header (UDP only), -1 unknown
}

// PortUnreachable reports whether the message is "port unreachable": the
// kernel at the destination had no socket on the quoted port.
func (m ICMP) PortUnreachable(v6 bool) bool {
	if v6 {
		return m.Type == uint8(layers.ICMPv6TypeDestinationUnreachable) && m.Code == layers.ICMPv6CodePortUnreachable
	}
	return m.Type == layers.ICMPv4TypeDestinationUnreachable && m.Code == layers.ICMPv4CodePort
}

// Words names the message the way tcpdump does: "udp port 4242 unreachable".
func (s Segment) icmpWords() string {
	m := s.ICMP
	v6 := s.Proto == "icmp6"
	if m.PortUnreachable(v6) {
		return m.Quoted.Proto + " port " + strconv.Itoa(int(m.Quoted.Dst.Port())) + " unreachable"
	}
	if v6 {
		return layers.CreateICMPv6TypeCode(m.Type, m.Code).String()
	}
	return layers.CreateICMPv4TypeCode(m.Type, m.Code).String()
}

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

// decodeICMP fills s from an ICMP (v6: ICMPv6) message, b being the IP
// payload. Only error messages decode; a query is ErrUnsupported.
func decodeICMP(s *Segment, b []byte, v6 bool) error {
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
	s.ICMP = ICMP{Type: typ, Code: code, Quoted: Quote{Len: -1}}
	s.Len = len(b) - 8
	if n := min(len(b)-8, PayloadCopyMax); n > 0 {
		s.Payload = append(make([]byte, 0, n), b[8:8+n]...)
	}
	return parseQuote(&s.ICMP.Quoted, b[8:], v6, name)
}

// parseQuote reads the quoted IP header and the ports after it.
func parseQuote(q *Quote, b []byte, v6 bool, name string) error {
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

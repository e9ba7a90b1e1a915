package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
)

// Errors returned by Decode, to be matched with errors.Is; the wrapped text
// says which layer and why.
var (
	// ErrTruncated: the frame ends before its headers (or its payload) do.
	// When only payload is missing, Decode still returns the filled Segment.
	ErrTruncated = errors.New("wire: truncated frame")
	// ErrUnsupported: a well-formed frame this package does not model
	// (ARP, ICMP queries, IP fragments, IPv6 extension headers, ...).
	ErrUnsupported = errors.New("wire: unsupported frame")
	// ErrMalformed: header fields that contradict each other.
	ErrMalformed = errors.New("wire: malformed frame")
)

// PayloadCopyMax bounds Segment.Payload: enough to show a lesson's message
// while keeping the bytes a bulk transfer retains per segment small.
const PayloadCopyMax = 256

// The numbers of the headers a loopback frame carries.
const (
	etherIPv4  = 0x0800
	etherIPv6  = 0x86dd
	protoHBH   = 0 // IPv6 hop-by-hop options
	protoICMP  = 1
	protoTCP   = 6
	protoUDP   = 17
	protoFrag  = 44 // IPv6 fragment header
	protoICMP6 = 58
)

// Decoder decodes loopback Ethernet frames into Segments. It reads the
// headers in place: the only allocation is the payload copy, which a
// sharing decoder does not make. It holds no state but that choice.
type Decoder struct {
	share bool
}

// NewDecoder returns a Decoder for loopback Ethernet frames.
func NewDecoder() *Decoder { return &Decoder{} }

// NewSharingDecoder returns a Decoder whose segments' Payload is a slice of
// the frame itself, not a copy: for a caller whose frames are never written
// again, as the Linker's (each cut from the capture's slab for its event),
// where the copy was one more allocation per segment.
func NewSharingDecoder() *Decoder { return &Decoder{share: true} }

// Decode decodes one Ethernet frame holding IPv4/IPv6 and TCP/UDP, or an
// ICMP error. Errors wrap ErrTruncated, ErrUnsupported or ErrMalformed;
// Decode never panics. It is safe for concurrent use.
func Decode(frame []byte) (event.Segment, error) {
	var d Decoder
	return d.Decode(frame)
}

// ip is what the IP layer tells the layer above it.
type ip struct {
	src, dst netip.Addr
	hdr      int    // bytes of IP header, extension headers included
	proto    byte   // the protocol of what follows the headers
	claimed  int    // the transport's length the IP header declares
	avail    []byte // the transport's bytes captured, within claimed
	share    bool   // the payload is not copied (NewSharingDecoder)
}

// Decode decodes frame: see the package-level Decode. The headers are read
// by hand (they are few and fixed, and a general packet library's tables
// made every socklab process start ~9 ms slower and every link of a binary
// holding it ~0.2 s longer); the tests check the decoding against
// gopacket's encoder and decoder.
func (d *Decoder) Decode(frame []byte) (event.Segment, error) {
	s := event.Segment{WinShift: -1, Opts: event.Options{WScale: -1}}
	if len(frame) < 14 {
		return s, fmt.Errorf("%w: %d bytes, an Ethernet header needs 14", ErrTruncated, len(frame))
	}
	var p ip
	var err error
	switch et := binary.BigEndian.Uint16(frame[12:14]); et {
	case etherIPv4:
		p, err = ipv4(frame[14:])
	case etherIPv6:
		p, err = ipv6(frame[14:])
	default:
		return s, fmt.Errorf("%w: EtherType %#04x (%s)", ErrUnsupported, et, etherName(et))
	}
	if err != nil {
		return s, err
	}
	p.share = d.share
	s.Src, s.Dst = netip.AddrPortFrom(p.src, 0), netip.AddrPortFrom(p.dst, 0)
	switch p.proto {
	case protoTCP:
		return s, tcp(&s, p)
	case protoUDP:
		return s, udp(&s, p)
	case protoICMP, protoICMP6:
		v6 := p.src.Is6()
		if v6 != (p.proto == protoICMP6) { // ICMPv6 in IPv4, or ICMPv4 in IPv6
			return s, fmt.Errorf("%w: IP protocol %d in the other IP version", ErrUnsupported, p.proto)
		}
		s.HeaderLen = 14 + p.hdr + 8
		return s, decodeICMP(&s, p.avail, v6)
	}
	return s, fmt.Errorf("%w: IP protocol %d (not TCP, UDP or ICMP)", ErrUnsupported, p.proto)
}

func etherName(et uint16) string {
	switch {
	case et == 0x0806:
		return "ARP"
	case et == 0x8100:
		return "802.1Q VLAN"
	case et < 0x0600:
		return "an 802.3 length: LLC"
	}
	return "not IP"
}

// ipv4 reads an IPv4 header. A total length of 0 is a segmentation
// offload's (the kernel fills it in later): the captured bytes are the
// packet, as tcpdump and gopacket take it.
func ipv4(b []byte) (ip, error) {
	var p ip
	if len(b) < 20 {
		return p, fmt.Errorf("%w: IPv4 header needs 20 bytes, %d captured", ErrTruncated, len(b))
	}
	if v := b[0] >> 4; v != 4 {
		return p, fmt.Errorf("%w: IPv4 header with version %d", ErrMalformed, v)
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if total == 0 {
		total = len(b)
	}
	switch {
	case ihl < 20:
		return p, fmt.Errorf("%w: IPv4 header length %d, below 20", ErrMalformed, ihl)
	case total < ihl:
		return p, fmt.Errorf("%w: IPv4 total length %d below its header length %d", ErrMalformed, total, ihl)
	case len(b) < ihl:
		return p, fmt.Errorf("%w: %d of %d IPv4 header bytes captured", ErrTruncated, len(b), ihl)
	}
	if err := ipv4Options(b[20:ihl]); err != nil {
		return p, err
	}
	if frag := binary.BigEndian.Uint16(b[6:8]); frag&0x2000 != 0 || frag&0x1fff != 0 {
		return p, fmt.Errorf("%w: IP fragment (reassembly is not done)", ErrUnsupported)
	}
	p.src = netip.AddrFrom4([4]byte(b[12:16]))
	p.dst = netip.AddrFrom4([4]byte(b[16:20]))
	p.hdr, p.proto, p.claimed = ihl, b[9], total-ihl
	p.avail = b[ihl:min(total, len(b))]
	return p, nil
}

// ipv4Options checks that every option of an IPv4 header fits in it, as
// gopacket and the kernel's ip_options_compile do (an option is at least
// its type and length bytes, but for end of list and no-op: a length of 2,
// no data, is one); their contents are not shown.
func ipv4Options(b []byte) error {
	for len(b) > 0 {
		switch {
		case b[0] == 0: // end of options
			return nil
		case b[0] == 1: // no-op
			b = b[1:]
			continue
		case len(b) < 2 || b[1] < 2 || int(b[1]) > len(b):
			return fmt.Errorf("%w: an IPv4 option (type %d) overruns its header or is too short", ErrMalformed, b[0])
		}
		b = b[b[1]:]
	}
	return nil
}

// ipv6 reads an IPv6 header and a hop-by-hop header after it (as MLD and
// router alerts use), whose jumbo payload option sizes a jumbogram.
func ipv6(b []byte) (ip, error) {
	var p ip
	if len(b) < 40 {
		return p, fmt.Errorf("%w: IPv6 header needs 40 bytes, %d captured", ErrTruncated, len(b))
	}
	if v := b[0] >> 4; v != 6 {
		return p, fmt.Errorf("%w: IPv6 header with version %d", ErrMalformed, v)
	}
	p.src = netip.AddrFrom16([16]byte(b[8:24]))
	p.dst = netip.AddrFrom16([16]byte(b[24:40]))
	length := int(binary.BigEndian.Uint16(b[4:6]))
	p.proto, p.hdr = b[6], 40
	rest := b[40:]
	if length != 0 {
		rest = rest[:min(length, len(rest))]
	}
	if p.proto == protoHBH {
		hbh, jumbo, err := hopByHop(rest)
		if err != nil {
			return p, err
		}
		switch {
		case jumbo >= 0 && length != 0:
			return p, fmt.Errorf("%w: IPv6 jumbo payload option with a payload length of %d", ErrMalformed, length)
		case jumbo >= 0:
			if jumbo < hbh {
				return p, fmt.Errorf("%w: IPv6 jumbo length %d shorter than its hop-by-hop header", ErrMalformed, jumbo)
			}
			length = jumbo
			rest = rest[:min(jumbo, len(rest))]
		case length == 0:
			return p, fmt.Errorf("%w: IPv6 payload length 0 without a jumbo payload option", ErrMalformed)
		}
		p.proto, p.hdr = rest[0], 40+hbh
		length -= hbh
		rest = rest[hbh:]
	} else if length == 0 {
		return p, fmt.Errorf("%w: IPv6 payload length 0, and no hop-by-hop header", ErrMalformed)
	}
	switch p.proto {
	case protoTCP, protoUDP, protoICMP6:
	case protoFrag:
		return p, fmt.Errorf("%w: IP fragment (reassembly is not done)", ErrUnsupported)
	default:
		return p, fmt.Errorf("%w: IPv6 next header %d (an extension header or protocol not modelled)", ErrUnsupported, p.proto)
	}
	p.claimed, p.avail = length, rest
	return p, nil
}

// hopByHop checks a hop-by-hop header's options and returns its length
// and the jumbo payload length it carries (-1: none).
func hopByHop(b []byte) (n, jumbo int, err error) {
	if len(b) < 2 {
		return 0, -1, fmt.Errorf("%w: IPv6 hop-by-hop header needs 2 bytes, %d captured", ErrTruncated, len(b))
	}
	n = (int(b[1]) + 1) * 8
	if len(b) < n {
		return 0, -1, fmt.Errorf("%w: %d of %d IPv6 hop-by-hop header bytes captured", ErrTruncated, len(b), n)
	}
	jumbo = -1
	for o := b[2:n]; len(o) > 0; {
		if o[0] == 0 { // Pad1
			o = o[1:]
			continue
		}
		if len(o) < 2 || len(o) < 2+int(o[1]) {
			return 0, -1, fmt.Errorf("%w: an IPv6 option overruns its hop-by-hop header", ErrMalformed)
		}
		if o[0] == 0xc2 { // jumbo payload (RFC 2675)
			if o[1] != 4 {
				return 0, -1, fmt.Errorf("%w: IPv6 jumbo payload option of %d bytes, not 4", ErrMalformed, o[1])
			}
			jumbo = int(binary.BigEndian.Uint32(o[2:6]))
		}
		o = o[2+int(o[1]):]
	}
	return n, jumbo, nil
}

// tcp fills s from the TCP header and payload in p.
func tcp(s *event.Segment, p ip) error {
	h := p.avail
	if len(h) < 20 {
		return fmt.Errorf("%w: TCP header needs 20 bytes, %d captured", ErrTruncated, len(h))
	}
	off := int(h[12]>>4) * 4
	if off < 20 {
		return fmt.Errorf("%w: TCP data offset %d, below 20", ErrMalformed, off)
	}
	if len(h) < off {
		if p.claimed < off {
			return fmt.Errorf("%w: TCP data offset %d beyond the IP payload of %d", ErrMalformed, off, p.claimed)
		}
		return fmt.Errorf("%w: %d of %d TCP header bytes captured", ErrTruncated, len(h), off)
	}
	parseOptions(&s.Opts, h[20:off])
	s.Proto = "tcp"
	s.Src = netip.AddrPortFrom(p.src, binary.BigEndian.Uint16(h[0:2]))
	s.Dst = netip.AddrPortFrom(p.dst, binary.BigEndian.Uint16(h[2:4]))
	s.Seq = binary.BigEndian.Uint32(h[4:8])
	s.Ack = binary.BigEndian.Uint32(h[8:12])
	s.Flags = event.Flags(h[13])
	if h[12]&1 != 0 {
		s.Flags |= event.FlagAE
	}
	s.Win = binary.BigEndian.Uint16(h[14:16])
	s.HeaderLen = 14 + p.hdr + off
	s.Len = p.claimed - off
	return payload(s, h[off:], p.share)
}

// udp fills s from the UDP header and payload in p. A length field of 0
// is an IPv6 jumbogram's, sized by IP alone.
func udp(s *event.Segment, p ip) error {
	h := p.avail
	if len(h) < 8 {
		return fmt.Errorf("%w: UDP header needs 8 bytes, %d captured", ErrTruncated, len(h))
	}
	s.Proto = "udp"
	s.Src = netip.AddrPortFrom(p.src, binary.BigEndian.Uint16(h[0:2]))
	s.Dst = netip.AddrPortFrom(p.dst, binary.BigEndian.Uint16(h[2:4]))
	s.HeaderLen = 14 + p.hdr + 8
	s.Len = p.claimed - 8
	switch n := int(binary.BigEndian.Uint16(h[4:6])); {
	case n == 0:
	case n < 8:
		return fmt.Errorf("%w: UDP length %d, below its own header's 8", ErrMalformed, n)
	case n > p.claimed:
		return fmt.Errorf("%w: UDP length %d exceeds IP payload %d", ErrMalformed, n, p.claimed)
	default:
		s.Len = n - 8
	}
	return payload(s, h[8:], p.share)
}

// payload copies (or shares) the start of the payload (avail: what was
// captured) and says whether all of s.Len was.
func payload(s *event.Segment, avail []byte, share bool) error {
	if s.Len < 0 {
		return fmt.Errorf("%w: %s header longer than the IP payload", ErrMalformed, s.Proto)
	}
	avail = avail[:min(len(avail), s.Len)]
	if n := min(len(avail), PayloadCopyMax); n > 0 && share {
		s.Payload = avail[:n:n] // capped: an append cannot write into the frame
	} else if n > 0 {
		s.Payload = append(make([]byte, 0, n), avail[:n]...)
	}
	if len(avail) < s.Len {
		return fmt.Errorf("%w: %d of %d %s payload bytes captured", ErrTruncated, len(avail), s.Len, s.Proto)
	}
	return nil
}

// parseOptions reads the TCP options socklab shows (MSS, window scale,
// SACK permitted, timestamps). An option that does not fit ends the
// options, as in the kernel's tcp_parse_options ("don't parse partial
// options"): the segment is still the peer's.
func parseOptions(o *event.Options, b []byte) {
	for len(b) > 0 {
		kind := b[0]
		if kind == 0 { // end of options
			return
		}
		if kind == 1 { // NOP
			b = b[1:]
			continue
		}
		if len(b) < 2 || b[1] < 2 || int(b[1]) > len(b) {
			return
		}
		data := b[2:b[1]]
		switch kind {
		case 2:
			if len(data) == 2 {
				o.MSS = int(binary.BigEndian.Uint16(data))
			}
		case 3:
			if len(data) == 1 {
				o.WScale = int(data[0])
			}
		case 4:
			o.SACKPerm = true
		case 8:
			if len(data) == 8 {
				o.HasTS = true
				o.TSVal = binary.BigEndian.Uint32(data[:4])
				o.TSEcr = binary.BigEndian.Uint32(data[4:])
			}
		}
		b = b[b[1]:]
	}
}

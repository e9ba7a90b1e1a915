package wire

// The decoder socklab used before its own (decode.go), on gopacket's
// layers, kept as the tests' oracle: FuzzDecodeAgreesWithGopacket holds
// the new decoder to it.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/socklab/socklab/netlab/event"
)

type gpDecoder struct {
	eth     layers.Ethernet
	ip4     layers.IPv4
	ip6     layers.IPv6
	tcp     layers.TCP
	udp     layers.UDP
	parser  *gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
}

func newGPDecoder() *gpDecoder {
	d := &gpDecoder{decoded: make([]gopacket.LayerType, 0, 8)}
	d.parser = gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet)
	// A sparse slice indexed by layer type beats the default map lookup,
	// and the five layer types involved are all small numbers.
	d.parser.SetDecodingLayerContainer(gopacket.DecodingLayerSparse(nil))
	for _, l := range []gopacket.DecodingLayer{&d.eth, &d.ip4, &d.ip6, &d.tcp, &d.udp} {
		d.parser.AddDecodingLayer(l)
	}
	return d
}

// Decode is the allocation-light form of the package-level Decode.
func (d *gpDecoder) Decode(frame []byte) (event.Segment, error) {
	s := event.Segment{WinShift: -1, Opts: event.Options{WScale: -1}}
	if len(frame) < 14 {
		return s, fmt.Errorf("%w: %d bytes, an Ethernet header needs 14", ErrTruncated, len(frame))
	}
	err := d.parser.DecodeLayers(frame, &d.decoded)

	var ipType, l4Type gopacket.LayerType
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv4, layers.LayerTypeIPv6:
			ipType = t
		case layers.LayerTypeTCP, layers.LayerTypeUDP:
			l4Type = t
		}
	}
	if l4Type == gopacket.LayerTypeZero {
		if v6, ok := d.carriesICMP(ipType); ok {
			return s, d.decodeICMP(&s, v6)
		}
		return s, d.whyNot(err)
	}
	// Past TCP/UDP the parser stops at whatever application protocol the
	// port suggests; that is not an error for us.

	// gopacket also reads IP behind EtherType 0xFFFF ("raw"); a loopback
	// frame never carries that, so it is not IP as far as we are concerned.
	if et := d.eth.EthernetType; et != layers.EthernetTypeIPv4 && et != layers.EthernetTypeIPv6 {
		return s, fmt.Errorf("%w: EtherType %#04x (%v)", ErrUnsupported, uint16(et), et)
	}

	// claimed is the transport length the IP header declares, which may
	// exceed what was captured.
	var ipHdr, claimed int
	switch ipType {
	case layers.LayerTypeIPv4:
		if d.ip4.Version != 4 {
			return s, fmt.Errorf("%w: IPv4 header with version %d", ErrMalformed, d.ip4.Version)
		}
		src, _ := netip.AddrFromSlice(d.ip4.SrcIP)
		dst, _ := netip.AddrFromSlice(d.ip4.DstIP)
		ipHdr = len(d.ip4.Contents)
		claimed = int(d.ip4.Length) - ipHdr
		s.Src, s.Dst = netip.AddrPortFrom(src, 0), netip.AddrPortFrom(dst, 0)
	case layers.LayerTypeIPv6:
		if d.ip6.Version != 6 {
			return s, fmt.Errorf("%w: IPv6 header with version %d", ErrMalformed, d.ip6.Version)
		}
		src, _ := netip.AddrFromSlice(d.ip6.SrcIP)
		dst, _ := netip.AddrFromSlice(d.ip6.DstIP)
		ipHdr = len(d.ip6.Contents)
		claimed = int(d.ip6.Length)
		if d.ip6.HopByHop != nil {
			hbh := d.ip6.HopByHop.ActualLength
			ipHdr += hbh
			if d.ip6.Length == 0 { // jumbogram: the decoder already cut the payload to its length
				claimed = hbh + len(d.ip6.LayerPayload())
			}
			claimed -= hbh
		}
		s.Src, s.Dst = netip.AddrPortFrom(src, 0), netip.AddrPortFrom(dst, 0)
	}

	var avail []byte
	if l4Type == layers.LayerTypeTCP {
		t := &d.tcp
		hdr := t.Contents
		s.Proto = "tcp"
		s.Src = netip.AddrPortFrom(s.Src.Addr(), uint16(t.SrcPort))
		s.Dst = netip.AddrPortFrom(s.Dst.Addr(), uint16(t.DstPort))
		s.Flags = event.Flags(hdr[13])
		if hdr[12]&1 != 0 {
			s.Flags |= event.FlagAE
		}
		s.Seq, s.Ack, s.Win = t.Seq, t.Ack, t.Window
		gpParseOptions(&s.Opts, t.Options)
		s.HeaderLen = 14 + ipHdr + len(hdr)
		s.Len = claimed - len(hdr)
		avail = t.Payload
	} else {
		u := &d.udp
		s.Proto = "udp"
		s.Src = netip.AddrPortFrom(s.Src.Addr(), uint16(u.SrcPort))
		s.Dst = netip.AddrPortFrom(s.Dst.Addr(), uint16(u.DstPort))
		s.HeaderLen = 14 + ipHdr + 8
		s.Len = claimed - 8
		if u.Length != 0 { // 0 is an IPv6 jumbogram, sized by IP alone
			if int(u.Length) > claimed {
				return s, fmt.Errorf("%w: UDP length %d exceeds IP payload %d", ErrMalformed, u.Length, claimed)
			}
			s.Len = int(u.Length) - 8
		}
		avail = u.Payload
	}
	if s.Len < 0 {
		return s, fmt.Errorf("%w: %s header longer than the IP payload", ErrMalformed, s.Proto)
	}
	if n := min(len(avail), s.Len, PayloadCopyMax); n > 0 {
		s.Payload = append(make([]byte, 0, n), avail[:n]...)
	}
	if len(avail) < s.Len {
		return s, fmt.Errorf("%w: %d of %d %s payload bytes captured", ErrTruncated, len(avail), s.Len, s.Proto)
	}
	return s, nil
}

// carriesICMP reports whether the IP layer that decoded holds ICMP (v6:
// ICMPv6), which the layer parser leaves to decodeICMP.
func (d *gpDecoder) carriesICMP(ipType gopacket.LayerType) (v6, ok bool) {
	if d.eth.EthernetType != layers.EthernetTypeIPv4 && d.eth.EthernetType != layers.EthernetTypeIPv6 {
		return false, false
	}
	switch ipType {
	case layers.LayerTypeIPv4:
		// A fragment's payload is not a whole message; whyNot says so.
		return false, d.ip4.Protocol == layers.IPProtocolICMPv4 && d.ip4.Flags&layers.IPv4MoreFragments == 0 && d.ip4.FragOffset == 0
	case layers.LayerTypeIPv6:
		return true, d.ip6.NextHeader == layers.IPProtocolICMPv6
	}
	return false, false
}

// decodeICMP fills s from the ICMP message after the IP header.
func (d *gpDecoder) decodeICMP(s *event.Segment, v6 bool) error {
	var payload []byte
	if v6 {
		src, _ := netip.AddrFromSlice(d.ip6.SrcIP)
		dst, _ := netip.AddrFromSlice(d.ip6.DstIP)
		s.Src, s.Dst = netip.AddrPortFrom(src, 0), netip.AddrPortFrom(dst, 0)
		s.HeaderLen = 14 + len(d.ip6.Contents) + 8
		payload = d.ip6.Payload
	} else {
		if d.ip4.Version != 4 {
			return fmt.Errorf("%w: IPv4 header with version %d", ErrMalformed, d.ip4.Version)
		}
		src, _ := netip.AddrFromSlice(d.ip4.SrcIP)
		dst, _ := netip.AddrFromSlice(d.ip4.DstIP)
		s.Src, s.Dst = netip.AddrPortFrom(src, 0), netip.AddrPortFrom(dst, 0)
		s.HeaderLen = 14 + len(d.ip4.Contents) + 8
		payload = d.ip4.Payload
	}
	return decodeICMP(s, payload, v6)
}

// whyNot explains a frame that never reached TCP or UDP.
func (d *gpDecoder) whyNot(err error) error {
	var unsup gopacket.UnsupportedLayerType
	if errors.As(err, &unsup) {
		switch t := gopacket.LayerType(unsup); t {
		case gopacket.LayerTypeFragment, layers.LayerTypeIPv6Fragment:
			return fmt.Errorf("%w: IP fragment (reassembly is not done)", ErrUnsupported)
		default:
			return fmt.Errorf("%w: %v", ErrUnsupported, t)
		}
	}
	// The failing layer is the one after the last that decoded.
	layer, rest := "Ethernet", 1
	if n := len(d.decoded); n > 0 {
		var last gopacket.DecodingLayer
		switch d.decoded[n-1] {
		case layers.LayerTypeEthernet:
			last = &d.eth
		case layers.LayerTypeIPv4:
			last = &d.ip4
		case layers.LayerTypeIPv6:
			last = &d.ip6
		}
		if last != nil {
			layer, rest = last.NextLayerType().String(), len(last.LayerPayload())
		}
	}
	if err == nil {
		// The parser stops quietly when a layer leaves no bytes for the next.
		if rest == 0 {
			return fmt.Errorf("%w: frame ends before the %s header", ErrTruncated, layer)
		}
		return fmt.Errorf("%w: no TCP or UDP after %s", ErrUnsupported, layer)
	}
	if d.parser.Truncated {
		return fmt.Errorf("%w: %s: %v", ErrTruncated, layer, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrMalformed, layer, err)
}

func gpParseOptions(o *event.Options, opts []layers.TCPOption) {
	for _, opt := range opts {
		data := opt.OptionData
		switch opt.OptionType {
		case layers.TCPOptionKindMSS:
			if len(data) == 2 {
				o.MSS = int(binary.BigEndian.Uint16(data))
			}
		case layers.TCPOptionKindWindowScale:
			if len(data) == 1 {
				o.WScale = int(data[0])
			}
		case layers.TCPOptionKindSACKPermitted:
			o.SACKPerm = true
		case layers.TCPOptionKindTimestamps:
			if len(data) == 8 {
				o.HasTS = true
				o.TSVal = binary.BigEndian.Uint32(data[:4])
				o.TSEcr = binary.BigEndian.Uint32(data[4:])
			}
		}
	}
}

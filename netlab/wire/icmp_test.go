package wire

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// icmpFrame builds an ICMP error from the kernel at dst back to src that
// quotes the UDP datagram quoted (a frame from build, Ethernet header first).
func icmpFrame(t testing.TB, v6 bool, typ, code uint8, quoted []byte) []byte {
	t.Helper()
	zero := net.HardwareAddr(make([]byte, 6))
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	var err error
	if v6 {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolICMPv6, SrcIP: net.ParseIP("::1"), DstIP: net.ParseIP("::1")}
		ic := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, code)}
		_ = ic.SetNetworkLayerForChecksum(ip)
		// ICMPv6 errors carry 4 unused bytes before the quote.
		err = gopacket.SerializeLayers(buf, opts, &layers.Ethernet{SrcMAC: zero, DstMAC: zero, EthernetType: layers.EthernetTypeIPv6},
			ip, ic, gopacket.Payload(append(make([]byte, 4), quoted[14:]...)))
	} else {
		ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: net.IPv4(127, 0, 0, 1), DstIP: net.IPv4(127, 0, 0, 1)}
		err = gopacket.SerializeLayers(buf, opts, &layers.Ethernet{SrcMAC: zero, DstMAC: zero, EthernetType: layers.EthernetTypeIPv4},
			ip, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code)}, gopacket.Payload(quoted[14:]))
	}
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func TestDecodeICMPPortUnreachable(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		src, dst, typ, code := "127.0.0.1", "127.0.0.1", uint8(layers.ICMPv4TypeDestinationUnreachable), uint8(layers.ICMPv4CodePort)
		if v6 {
			src, dst, typ, code = "::1", "::1", uint8(layers.ICMPv6TypeDestinationUnreachable), uint8(layers.ICMPv6CodePortUnreachable)
		}
		dgram := build(t, pkt{v6: v6, udp: true, src: src, dst: dst, sport: 40001, dport: 4242, payload: []byte("anyone?")})
		s := mustDecode(t, icmpFrame(t, v6, typ, code, dgram))
		want := "icmp"
		if v6 {
			want = "icmp6"
		}
		if s.Proto != want || !s.IsICMP() || !s.ICMP.PortUnreachable(v6) {
			t.Fatalf("v6=%v: proto %q, icmp %+v: want a port unreachable", v6, s.Proto, s.ICMP)
		}
		q := s.ICMP.Quoted
		if q.Proto != "udp" || q.Src.Port() != 40001 || q.Dst.Port() != 4242 || q.Len != 7 || q.Src.Addr() != netip.MustParseAddr(src) {
			t.Errorf("v6=%v: quote %+v, want udp 40001 > 4242 len 7", v6, q)
		}
		if sum := s.Summary(); !strings.Contains(sum, "udp port 4242 unreachable") {
			t.Errorf("v6=%v: summary %q", v6, sum)
		}
	}
}

func TestDecodeICMPRejects(t *testing.T) {
	dgram := build(t, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, payload: []byte("x")})
	full := icmpFrame(t, false, layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodePort, dgram)
	// Cut inside the quoted IP header: the ICMP header is whole, the quote not.
	short := append([]byte(nil), full[:14+20+8+12]...)
	short[14+2], short[14+3] = 0, byte(20+8+12) // IP total length matches the cut
	badQuote := append([]byte(nil), full...)
	badQuote[14+20+8] = 0x25 // quoted IP version 2
	cases := []struct {
		name  string
		frame []byte
		want  error
	}{
		{"quote cut", short, ErrTruncated},
		{"quote version", badQuote, ErrMalformed},
		{"echo reply", icmpFrame(t, false, layers.ICMPv4TypeEchoReply, 0, dgram), ErrUnsupported},
		{"v6 echo", icmpFrame(t, true, layers.ICMPv6TypeEchoRequest, 0, build(t, pkt{v6: true, udp: true, src: "::1", dst: "::1", sport: 1, dport: 2})), ErrUnsupported},
	}
	for _, c := range cases {
		if _, err := Decode(c.frame); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// TestDecodeICMPNamesOtherErrors checks the words of an ICMP error that is
// not "port unreachable": the decoder names it (the vocabulary, which does
// not import gopacket, prints the name it was given), and a port
// unreachable's words come from the quote, not the name.
func TestDecodeICMPNamesOtherErrors(t *testing.T) {
	cases := []struct {
		v6        bool
		typ, code uint8
		want      string
	}{
		{false, layers.ICMPv4TypeTimeExceeded, layers.ICMPv4CodeTTLExceeded, "ICMP TimeExceeded(TTLExceeded)"},
		{false, layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodeHost, "ICMP DestinationUnreachable(Host)"},
		{true, layers.ICMPv6TypeTimeExceeded, layers.ICMPv6CodeHopLimitExceeded, "ICMP6 TimeExceeded(HopLimitExceeded)"},
		{true, layers.ICMPv6TypeDestinationUnreachable, layers.ICMPv6CodeAddressUnreachable, "ICMP6 DestinationUnreachable(AddressUnreachable)"},
	}
	for _, c := range cases {
		src := "127.0.0.1"
		if c.v6 {
			src = "::1"
		}
		dgram := build(t, pkt{v6: c.v6, udp: true, src: src, dst: src, sport: 40001, dport: 4242, payload: []byte("x")})
		s := mustDecode(t, icmpFrame(t, c.v6, c.typ, c.code, dgram))
		if s.ICMP.PortUnreachable(c.v6) {
			t.Errorf("%s: taken for a port unreachable", c.want)
		}
		if got := s.Summary(); got != c.want {
			t.Errorf("summary %q, want %q", got, c.want)
		}
	}
}

package wire

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/socklab/socklab/netlab/event"
)

func TestFlagsString(t *testing.T) {
	cases := map[event.Flags]string{
		0:                             "",
		event.FlagSYN:                 "SYN",
		event.FlagSYN | event.FlagACK: "SYN,ACK",
		event.FlagPSH | event.FlagACK: "PSH,ACK",
		event.FlagFIN | event.FlagACK: "FIN,ACK",
		event.FlagRST | event.FlagACK: "RST,ACK",
		event.FlagRST:                 "RST",
		event.FlagACK:                 "ACK",
		event.FlagFIN | event.FlagPSH | event.FlagACK:     "FIN,PSH,ACK",
		event.FlagSYN | event.FlagECE | event.FlagCWR:     "SYN,ECE,CWR",
		event.FlagURG | event.FlagACK | event.FlagAE:      "ACK,URG,AE",
		event.FlagFIN | event.FlagSYN | event.FlagRST | 0: "FIN,SYN,RST",
	}
	for f, want := range cases {
		if got := f.String(); got != want {
			t.Errorf("Flags(%#x).String() = %q, want %q", uint16(f), got, want)
		}
	}
	if !(event.FlagSYN | event.FlagACK).Has(event.FlagACK) || (event.FlagSYN).Has(event.FlagSYN|event.FlagACK) || !event.FlagRST.Has(0) {
		t.Error("Has: wrong answer")
	}
}

func TestDecodeTCPv4AllFields(t *testing.T) {
	frame := build(t, pkt{src: "127.0.0.1", dst: "127.0.0.2", sport: 40000, dport: 8080,
		flags: event.FlagSYN | event.FlagECE | event.FlagCWR, seq: 0xdeadbeef, ack: 0, win: 65495,
		opts: linuxSYNOpts(7, 123456)})
	s := mustDecode(t, frame)
	want := event.Segment{
		Proto: "tcp",
		Src:   netip.MustParseAddrPort("127.0.0.1:40000"), Dst: netip.MustParseAddrPort("127.0.0.2:8080"),
		Flags: event.FlagSYN | event.FlagECE | event.FlagCWR, Seq: 0xdeadbeef, Win: 65495, WinShift: -1,
		Opts:      event.Options{MSS: 65495, WScale: 7, SACKPerm: true, HasTS: true, TSVal: 123456},
		HeaderLen: 14 + 20 + 40,
	}
	if !equalSeg(s, want) {
		t.Fatalf("decoded\n %+v\nwant\n %+v", s, want)
	}
	if s.Summary() != "SYN,ECE,CWR" || s.ScaledWin() != 65495 {
		t.Errorf("Summary %q ScaledWin %d", s.Summary(), s.ScaledWin())
	}
}

func TestDecodeTCPv6Data(t *testing.T) {
	msg := []byte("hello\n")
	frame := build(t, pkt{v6: true, src: "::1", dst: "::1", sport: 5555, dport: 6666,
		flags: event.FlagPSH | event.FlagACK, seq: 10, ack: 20, win: 512, opts: []layers.TCPOption{optNOP(), optNOP(), optTS(7, 8)},
		payload: msg})
	s := mustDecode(t, frame)
	want := event.Segment{
		Proto: "tcp", Src: netip.MustParseAddrPort("[::1]:5555"), Dst: netip.MustParseAddrPort("[::1]:6666"),
		Flags: event.FlagPSH | event.FlagACK, Seq: 10, Ack: 20, Win: 512, WinShift: -1,
		Opts: event.Options{WScale: -1, HasTS: true, TSVal: 7, TSEcr: 8},
		Len:  6, Payload: msg, HeaderLen: 14 + 40 + 32,
	}
	if !equalSeg(s, want) {
		t.Fatalf("decoded\n %+v\nwant\n %+v", s, want)
	}
	if s.Summary() != "PSH,ACK len=6" {
		t.Errorf("Summary = %q", s.Summary())
	}
}

func TestDecodeUDP(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		src, dst := "127.0.0.1", "127.0.0.1"
		if v6 {
			src, dst = "::1", "::1"
		}
		frame := build(t, pkt{v6: v6, udp: true, src: src, dst: dst, sport: 53000, dport: 9999, payload: []byte("ping\n")})
		s := mustDecode(t, frame)
		ipLen := 20
		if v6 {
			ipLen = 40
		}
		if s.Proto != "udp" || s.Src.Port() != 53000 || s.Dst.Port() != 9999 || s.Src.Addr() != netip.MustParseAddr(src) ||
			s.Len != 5 || string(s.Payload) != "ping\n" || s.HeaderLen != 14+ipLen+8 || s.Flags != 0 {
			t.Errorf("v6=%v: %+v", v6, s)
		}
		if s.Summary() != "UDP len=5" {
			t.Errorf("Summary = %q", s.Summary())
		}
		// Tracking a datagram must leave it alone.
		NewFlows().Track(&s)
		if s.WinShift != -1 || s.Retrans || s.RelSeq != 0 {
			t.Errorf("Track touched UDP: %+v", s)
		}
	}
}

func TestDecodeLargePayloadIsCapped(t *testing.T) {
	payload := bytes.Repeat([]byte("abcdefgh"), 125) // 1000 bytes
	s := mustDecode(t, build(t, pkt{src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, flags: event.FlagACK, payload: payload}))
	if s.Len != 1000 || len(s.Payload) != PayloadCopyMax || !bytes.Equal(s.Payload, payload[:PayloadCopyMax]) {
		t.Fatalf("Len %d, len(Payload) %d", s.Len, len(s.Payload))
	}
	if s.Summary() != "ACK len=1000" {
		t.Errorf("Summary = %q", s.Summary())
	}
}

func TestDecodePayloadIsACopy(t *testing.T) {
	frame := build(t, pkt{src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, flags: event.FlagACK, payload: []byte("abc")})
	s := mustDecode(t, frame)
	for i := range frame {
		frame[i] = 0
	}
	if string(s.Payload) != "abc" {
		t.Fatalf("Payload aliases the frame: %q", s.Payload)
	}
}

// TestSharingDecoder: a sharing decoder decodes every frame as the copying
// one does, its payload a capped slice of the frame (an append to it cannot
// write into the frame, or into a frame cut after it from the same slab).
func TestSharingDecoder(t *testing.T) {
	for _, p := range []pkt{
		{src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, flags: event.FlagACK | event.FlagPSH, payload: []byte("abc")},
		{v6: true, src: "::1", dst: "::1", sport: 3, dport: 4, flags: event.FlagACK, payload: bytes.Repeat([]byte("x"), 1000)},
		{src: "127.0.0.1", dst: "127.0.0.1", sport: 5, dport: 6, udp: true, payload: []byte("hello")},
		{src: "127.0.0.1", dst: "127.0.0.1", sport: 7, dport: 8, flags: event.FlagSYN},
	} {
		frame := build(t, p)
		want := mustDecode(t, frame)
		got, err := NewSharingDecoder().Decode(frame)
		if err != nil || !equalSeg(got, want) || !bytes.Equal(got.Payload, want.Payload) {
			t.Fatalf("%+v: shared %+v (%v), copied %+v", p, got, err, want)
		}
		if len(got.Payload) == 0 {
			continue
		}
		if cap(got.Payload) != len(got.Payload) || &got.Payload[0] != &frame[got.HeaderLen] {
			t.Errorf("%+v: payload is not the frame's own bytes, capped (len %d, cap %d)", p, len(got.Payload), cap(got.Payload))
		}
	}
}

// Real NICs pad short frames to 60 bytes; the IP length, not the frame
// length, must decide the payload.
func TestDecodeIgnoresEthernetPadding(t *testing.T) {
	frame := build(t, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, payload: []byte("x")})
	frame = append(frame, make([]byte, 60-len(frame))...)
	s := mustDecode(t, frame)
	if s.Len != 1 || string(s.Payload) != "x" {
		t.Fatalf("padding counted as payload: %+v", s)
	}
	frame = build(t, pkt{src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, flags: event.FlagACK})
	s = mustDecode(t, append(frame, 0, 0, 0, 0, 0, 0))
	if s.Len != 0 || s.Payload != nil {
		t.Fatalf("padding counted as payload: %+v", s)
	}
}

func TestDecodeTruncated(t *testing.T) {
	frames := [][]byte{
		build(t, pkt{src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, flags: event.FlagSYN, opts: linuxSYNOpts(7, 1)}),
		build(t, pkt{src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, flags: event.FlagPSH | event.FlagACK, payload: []byte("hello")}),
		build(t, pkt{v6: true, src: "::1", dst: "::1", sport: 1, dport: 2, flags: event.FlagPSH | event.FlagACK, payload: []byte("hello")}),
		build(t, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, payload: []byte("hello")}),
		build(t, pkt{v6: true, udp: true, src: "::1", dst: "::1", sport: 1, dport: 2, payload: []byte("hello")}),
	}
	for fi, frame := range frames {
		// gopacket pads to Ethernet's 60-byte minimum; cutting padding is
		// not truncation.
		s := mustDecode(t, frame)
		frame = frame[:s.HeaderLen+s.Len]
		for n := range len(frame) {
			_, err := Decode(frame[:n])
			if !errors.Is(err, ErrTruncated) {
				t.Errorf("frame %d cut to %d of %d bytes: err = %v, want ErrTruncated", fi, n, len(frame), err)
			}
		}
	}
	// When only payload is missing the headers are still reported.
	full := frames[1][:14+20+20+5]
	s, err := Decode(full[:len(full)-2])
	if err == nil || s.Len != 5 || string(s.Payload) != "hel" || s.Flags != event.FlagPSH|event.FlagACK {
		t.Errorf("payload-truncated: %+v, %v", s, err)
	}
}

func TestDecodeUnsupportedAndGarbage(t *testing.T) {
	zero := net.HardwareAddr(make([]byte, 6))
	ser := func(ls ...gopacket.SerializableLayer) []byte {
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	arp := ser(&layers.Ethernet{SrcMAC: zero, DstMAC: zero, EthernetType: layers.EthernetTypeARP},
		&layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
			Operation: layers.ARPRequest, SourceHwAddress: zero, SourceProtAddress: []byte{127, 0, 0, 1},
			DstHwAddress: zero, DstProtAddress: []byte{127, 0, 0, 2}})
	icmp := ser(&layers.Ethernet{SrcMAC: zero, DstMAC: zero, EthernetType: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: net.IPv4(127, 0, 0, 1), DstIP: net.IPv4(127, 0, 0, 1)},
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0)}, gopacket.Payload("ping"))
	frag := build(t, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, payload: []byte("part"), ipFlags: layers.IPv4MoreFragments})
	laterFrag := build(t, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, payload: []byte("part"), fragOffset: 100})
	ok := build(t, pkt{src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, flags: event.FlagACK})
	badIHL := append([]byte(nil), ok...)
	badIHL[14] = 0x43 // IHL 3
	badVersion := append([]byte(nil), ok...)
	badVersion[14] = 0x65
	rawEtherType := append([]byte(nil), ok...)
	rawEtherType[12], rawEtherType[13] = 0xff, 0xff // gopacket would read IP behind it
	badOffset := append([]byte(nil), ok...)
	badOffset[14+20+12] = 0x20 // TCP data offset 2

	cases := []struct {
		name  string
		frame []byte
		want  error
		text  string
	}{
		{"arp", arp, ErrUnsupported, "ARP"},
		{"icmp", icmp, ErrUnsupported, "ICMPv4"},
		{"fragment", frag, ErrUnsupported, "fragment"},
		{"later fragment", laterFrag, ErrUnsupported, "fragment"},
		{"ihl", badIHL, ErrMalformed, "IPv4"},
		{"ethertype 0xffff", rawEtherType, ErrUnsupported, "0xffff"},
		{"version", badVersion, ErrMalformed, "version"},
		{"tcp offset", badOffset, ErrMalformed, "TCP"},
		{"empty", nil, ErrTruncated, ""},
		{"llc", append(make([]byte, 12), 0x00, 0x10, 1, 2, 3), nil, ""},
	}
	for _, c := range cases {
		_, err := Decode(c.frame)
		if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: err = %v, want %v mentioning %q", c.name, err, c.want, c.text)
		}
	}

	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		g := make([]byte, rng.IntN(120))
		for j := range g {
			g[j] = byte(rng.Uint32())
		}
		if i%2 == 0 && len(g) >= 14 { // make it reach the IP decoder
			g[12], g[13] = 0x08, 0x00
		}
		if _, err := Decode(g); err == nil && len(g) < 14+20+8 {
			t.Errorf("garbage %x decoded without error", g)
		}
	}
}

func equalSeg(a, b event.Segment) bool {
	type noPayload struct {
		Proto                    string
		Src, Dst                 netip.AddrPort
		Flags                    event.Flags
		Seq, Ack, RelSeq, RelAck uint32
		Win                      uint16
		WinShift                 int
		Opts                     event.Options
		Len                      int
		Retrans                  bool
		HeaderLen                int
	}
	strip := func(s event.Segment) noPayload {
		return noPayload{s.Proto, s.Src, s.Dst, s.Flags, s.Seq, s.Ack, s.RelSeq, s.RelAck, s.Win, s.WinShift, s.Opts, s.Len, s.Retrans, s.HeaderLen}
	}
	return strip(a) == strip(b) && bytes.Equal(a.Payload, b.Payload)
}

// A hop-by-hop header (as MLD or router alert use) sits between IPv6 and
// TCP; it counts toward HeaderLen, not Len.
func TestDecodeIPv6HopByHop(t *testing.T) {
	zero := net.HardwareAddr(make([]byte, 6))
	ip6 := &layers.IPv6{Version: 6, HopLimit: 1, NextHeader: layers.IPProtocolIPv6HopByHop,
		SrcIP: net.ParseIP("::1"), DstIP: net.ParseIP("::1"),
		HopByHop: &layers.IPv6HopByHop{Options: []*layers.IPv6HopByHopOption{{OptionType: 5, OptionData: []byte{0, 0}}, {OptionType: 1, OptionData: []byte{}}}}}
	ip6.HopByHop.NextHeader = layers.IPProtocolTCP
	tcp := &layers.TCP{SrcPort: 1, DstPort: 2, ACK: true, Seq: 9, Window: 7}
	if err := tcp.SetNetworkLayerForChecksum(ip6); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		&layers.Ethernet{SrcMAC: zero, DstMAC: zero, EthernetType: layers.EthernetTypeIPv6}, ip6, tcp, gopacket.Payload("abc")); err != nil {
		t.Fatal(err)
	}
	s := mustDecode(t, buf.Bytes())
	if s.HeaderLen != 14+40+8+20 || s.Len != 3 || string(s.Payload) != "abc" || s.Seq != 9 || s.Flags != event.FlagACK {
		t.Fatalf("%+v", s)
	}
}

func TestDecodeConcurrent(t *testing.T) {
	seeds := seedFrames(t)
	want := make([]string, len(seeds))
	for i, f := range seeds {
		s, err := Decode(f)
		want[i] = fmt.Sprintf("%+v %v", s, err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				for i, f := range seeds {
					s, err := Decode(f)
					if got := fmt.Sprintf("%+v %v", s, err); got != want[i] {
						t.Errorf("frame %d: %s, want %s", i, got, want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// An IPv4 option's length counts its type and length bytes: 2 is an
// option with no data, which the kernel's ip_options_compile takes (it
// refuses below 2) and so does gopacket; the fuzzer found the decoder
// refusing it. 1, or a length past the header, is malformed.
func TestIPv4OptionLengths(t *testing.T) {
	for _, tc := range []struct {
		opts []byte
		ok   bool
	}{
		{[]byte{0x30, 2, 0, 0}, true},  // a 2-byte option, end of list, padding
		{[]byte{1, 1, 0x30, 2}, true},  // no-ops, then one
		{[]byte{0x30, 4, 9, 9}, true},  // two bytes of data
		{[]byte{0x30, 1, 0, 0}, false}, // shorter than its own type and length
		{[]byte{0x30, 5, 0, 0}, false}, // past the header
		{[]byte{1, 1, 1, 0x30}, false}, // no room for its length byte
	} {
		err := ipv4Options(tc.opts)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("options % x: %v, want ok %v", tc.opts, err, tc.ok)
		}
	}
}

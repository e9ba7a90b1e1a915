package wire

import (
	"encoding/binary"
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/socklab/socklab/netlab/event"
)

// pkt describes a test frame; build serializes it with gopacket so the
// decoder is checked against an independent encoder.
type pkt struct {
	v6         bool
	udp        bool
	src, dst   string
	sport      uint16
	dport      uint16
	flags      event.Flags
	seq, ack   uint32
	win        uint16
	opts       []layers.TCPOption
	payload    []byte
	ipFlags    layers.IPv4Flag
	fragOffset uint16
}

func optMSS(v uint16) layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: binary.BigEndian.AppendUint16(nil, v)}
}

func optWS(shift byte) layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{shift}}
}

func optSACKPerm() layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}
}

func optTS(val, ecr uint32) layers.TCPOption {
	d := binary.BigEndian.AppendUint32(nil, val)
	return layers.TCPOption{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: binary.BigEndian.AppendUint32(d, ecr)}
}

func optNOP() layers.TCPOption {
	return layers.TCPOption{OptionType: layers.TCPOptionKindNop, OptionLength: 1}
}

// linuxSYNOpts is the option layout Linux puts on a SYN.
func linuxSYNOpts(ws byte, tsval uint32) []layers.TCPOption {
	return []layers.TCPOption{optMSS(65495), optSACKPerm(), optTS(tsval, 0), optNOP(), optWS(ws)}
}

func build(tb testing.TB, p pkt) []byte {
	tb.Helper()
	zero := net.HardwareAddr(make([]byte, 6))
	eth := &layers.Ethernet{SrcMAC: zero, DstMAC: zero, EthernetType: layers.EthernetTypeIPv4}
	var ip gopacket.NetworkLayer
	var ipLayer gopacket.SerializableLayer
	proto := layers.IPProtocolTCP
	if p.udp {
		proto = layers.IPProtocolUDP
	}
	if p.v6 {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: net.ParseIP(p.src), DstIP: net.ParseIP(p.dst)}
		ip, ipLayer = ip6, ip6
	} else {
		ip4 := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, Flags: p.ipFlags | layers.IPv4DontFragment,
			FragOffset: p.fragOffset, SrcIP: net.ParseIP(p.src).To4(), DstIP: net.ParseIP(p.dst).To4()}
		ip, ipLayer = ip4, ip4
	}
	var l4 gopacket.SerializableLayer
	if p.udp {
		u := &layers.UDP{SrcPort: layers.UDPPort(p.sport), DstPort: layers.UDPPort(p.dport)}
		if err := u.SetNetworkLayerForChecksum(ip); err != nil {
			tb.Fatal(err)
		}
		l4 = u
	} else {
		f := p.flags
		t := &layers.TCP{SrcPort: layers.TCPPort(p.sport), DstPort: layers.TCPPort(p.dport), Seq: p.seq, Ack: p.ack, Window: p.win,
			FIN: f.Has(event.FlagFIN), SYN: f.Has(event.FlagSYN), RST: f.Has(event.FlagRST), PSH: f.Has(event.FlagPSH), ACK: f.Has(event.FlagACK),
			URG: f.Has(event.FlagURG), ECE: f.Has(event.FlagECE), CWR: f.Has(event.FlagCWR), NS: f.Has(event.FlagAE), Options: p.opts}
		if err := t.SetNetworkLayerForChecksum(ip); err != nil {
			tb.Fatal(err)
		}
		l4 = t
	}
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		eth, ipLayer, l4, gopacket.Payload(p.payload))
	if err != nil {
		tb.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func mustDecode(tb testing.TB, frame []byte) event.Segment {
	tb.Helper()
	s, err := Decode(frame)
	if err != nil {
		tb.Fatalf("Decode: %v", err)
	}
	return s
}

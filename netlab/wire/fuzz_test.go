package wire

import (
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

func seedFrames(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, st := range handshakeSteps() {
		seeds = append(seeds, build(tb, st.p))
	}
	seeds = append(seeds,
		build(tb, pkt{v6: true, src: "::1", dst: "::1", sport: 1, dport: 2, flags: event.FlagPSH | event.FlagACK, payload: []byte("hello"), opts: linuxSYNOpts(7, 1)}),
		build(tb, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 53, payload: []byte("ping")}),
		build(tb, pkt{v6: true, udp: true, src: "::1", dst: "::1", sport: 1, dport: 2, payload: []byte("ping")}),
		build(tb, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 1, dport: 2, payload: []byte("x"), fragOffset: 8}),
	)
	return seeds
}

// addSeeds gives a fuzz target the seed frames and two ICMP errors
// (port unreachable, quoting a UDP datagram, v4 and v6).
func addSeeds(f *testing.F) {
	for _, s := range seedFrames(f) {
		f.Add(s)
	}
	dgram := build(f, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 40001, dport: 4242, payload: []byte("anyone?")})
	dgram6 := build(f, pkt{v6: true, udp: true, src: "::1", dst: "::1", sport: 40001, dport: 4242, payload: []byte("anyone?")})
	f.Add(icmpFrame(f, false, 3, 3, dgram))
	f.Add(icmpFrame(f, true, 1, 4, dgram6))
}

// fuzzDecoder is reused across inputs so that state leaking from one
// decode into the next shows up as a mismatch with a fresh Decode.
var fuzzDecoder = NewDecoder()

func FuzzDecode(f *testing.F) {
	addSeeds(f)
	flows := NewFlows()
	f.Fuzz(func(t *testing.T, frame []byte) {
		s, err := Decode(frame)
		s2, err2 := fuzzDecoder.Decode(frame)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(s, s2) {
			t.Fatalf("reused decoder disagrees: %+v %v / %+v %v", s, err, s2, err2)
		}
		if err != nil {
			return
		}
		if s.IsICMP() {
			q := s.ICMP.Quoted
			if q.Proto != "" && q.Src.Addr().Is4() != s.Src.Addr().Is4() {
				t.Fatalf("ICMP over %v quotes a datagram from %v", s.Src, q.Src)
			}
			_ = s.Summary()
		} else if s.Proto != "tcp" && s.Proto != "udp" {
			t.Fatalf("Proto %q", s.Proto)
		}
		if s.Len < 0 || len(s.Payload) > min(s.Len, PayloadCopyMax) || s.HeaderLen+s.Len > len(frame) {
			t.Fatalf("lengths: Len %d payload %d header %d frame %d", s.Len, len(s.Payload), s.HeaderLen, len(frame))
		}
		if s.Src.Addr().Is4() != (frame[12] == 0x08 && frame[13] == 0x00) {
			t.Fatalf("address family %v disagrees with EtherType %x", s.Src, frame[12:14])
		}
		flows.Track(&s)
		_ = s.Summary()
		_ = s.ScaledWin()
	})
}

func BenchmarkDecode(b *testing.B) {
	frame := build(b, c2s(event.FlagPSH|event.FlagACK, cISN+1, sISN+1, 512, "hello\n", optNOP(), optNOP(), optTS(1, 2)))
	hs := handshakeSteps()
	// "gopacket" is the decoder socklab used before its own (the tests'
	// oracle, gopacket_oracle_test.go): the before of this benchmark.
	for _, mode := range []string{"Decoder", "package", "gopacket"} {
		b.Run(mode, func(b *testing.B) {
			flows := NewFlows()
			for _, st := range hs[:3] {
				s := mustDecode(b, build(b, st.p))
				flows.Track(&s)
			}
			d := NewDecoder()
			old := newGPDecoder()
			seqAt := 14 + 20 + 4
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				// A fresh sequence number each time, so every segment is
				// new data as in a real stream, not a retransmission.
				binary.BigEndian.PutUint32(frame[seqAt:], cISN+1+uint32(i)*6)
				var s event.Segment
				var err error
				switch mode {
				case "Decoder":
					s, err = d.Decode(frame)
				case "gopacket":
					s, err = old.Decode(frame)
				default:
					s, err = Decode(frame)
				}
				if err != nil {
					b.Fatal(err)
				}
				flows.Track(&s)
				if s.Retrans || s.Len != 6 {
					b.Fatalf("unexpected %+v", s)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
		})
	}
}

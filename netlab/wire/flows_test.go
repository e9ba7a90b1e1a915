package wire

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/socklab/socklab/netlab/event"
)

const (
	cli          = "127.0.0.1"
	srv          = "127.0.0.1"
	cPort, sPort = 40000, 8080
	cISN         = 1_000_000
)

// sISN is a variable so that sISN+7 wraps at run time, exercising
// modulo-2^32 arithmetic, instead of failing to compile.
var sISN uint32 = 0xFFFF_FFFD

func c2s(flags event.Flags, seq, ack uint32, win uint16, payload string, opts ...layers.TCPOption) pkt {
	return pkt{src: cli, dst: srv, sport: cPort, dport: sPort, flags: flags, seq: seq, ack: ack, win: win, payload: []byte(payload), opts: opts}
}

func s2c(flags event.Flags, seq, ack uint32, win uint16, payload string, opts ...layers.TCPOption) pkt {
	return pkt{src: srv, dst: cli, sport: sPort, dport: cPort, flags: flags, seq: seq, ack: ack, win: win, payload: []byte(payload), opts: opts}
}

type step struct {
	p                pkt
	summary          string
	relSeq, relAck   uint32
	winShift, scaled int
	retrans          bool
}

// handshakeSteps is a Linux-like connection: handshake with window scaling
// (client shift 7, server shift 9), one request and reply, and a FIN close.
func handshakeSteps() []step {
	return []step{
		{c2s(event.FlagSYN, cISN, 0, 65495, "", linuxSYNOpts(7, 100)...), "SYN", 0, 0, -1, 65495, false},
		{s2c(event.FlagSYN|event.FlagACK, sISN, cISN+1, 65483, "", linuxSYNOpts(9, 200)...), "SYN,ACK", 0, 1, 9, 65483, false},
		{c2s(event.FlagACK, cISN+1, sISN+1, 512, ""), "ACK", 1, 1, 7, 512 << 7, false},
		{c2s(event.FlagPSH|event.FlagACK, cISN+1, sISN+1, 512, "hello\n"), "PSH,ACK len=6", 1, 1, 7, 512 << 7, false},
		{s2c(event.FlagACK, sISN+1, cISN+7, 128, ""), "ACK", 1, 7, 9, 128 << 9, false},
		{s2c(event.FlagPSH|event.FlagACK, sISN+1, cISN+7, 128, "HELLO\n"), "PSH,ACK len=6", 1, 7, 9, 128 << 9, false},
		{c2s(event.FlagACK, cISN+7, sISN+7, 512, ""), "ACK", 7, 7, 7, 512 << 7, false},
		{c2s(event.FlagFIN|event.FlagACK, cISN+7, sISN+7, 512, ""), "FIN,ACK", 7, 7, 7, 512 << 7, false},
		{s2c(event.FlagFIN|event.FlagACK, sISN+7, cISN+8, 128, ""), "FIN,ACK", 7, 8, 9, 128 << 9, false},
		{c2s(event.FlagACK, cISN+8, sISN+8, 512, ""), "ACK", 8, 8, 7, 512 << 7, false},
	}
}

func runSteps(t *testing.T, f *Flows, steps []step) {
	t.Helper()
	for i, st := range steps {
		s := mustDecode(t, build(t, st.p))
		f.Track(&s)
		got := fmt.Sprintf("%s rel=%d/%d shift=%d win=%d retrans=%v", s.Summary(), s.RelSeq, s.RelAck, s.WinShift, s.ScaledWin(), s.Retrans)
		want := fmt.Sprintf("%s rel=%d/%d shift=%d win=%d retrans=%v", st.summary, st.relSeq, st.relAck, st.winShift, st.scaled, st.retrans)
		if got != want {
			t.Errorf("step %d: got  %s\n        want %s", i, got, want)
		}
	}
}

func TestFlowsHandshakeDataFIN(t *testing.T) {
	f := NewFlows()
	runSteps(t, f, handshakeSteps())
	if f.Len() != 1 {
		t.Errorf("Len = %d, want 1 connection", f.Len())
	}
}

func TestFlowsRetransmissions(t *testing.T) {
	hs := handshakeSteps()
	dup := func(st step) step { st.retrans = true; return st }
	steps := []step{
		hs[0],
		dup(hs[0]), // SYN again, same ISN
		hs[1],
		dup(hs[1]), // SYN-ACK again
		hs[2],
		hs[2], // a repeated pure ACK is a duplicate ACK, not a retransmission
		hs[3],
		dup(hs[3]), // the request again
		hs[4], hs[5],
		dup(hs[5]), // the reply again
		hs[6], hs[7],
		dup(hs[7]), // FIN again
		hs[8], hs[9],
	}
	runSteps(t, NewFlows(), steps)
}

// A retransmission older than the latest segment, with newer data in between.
func TestFlowsRetransmitOlderSegment(t *testing.T) {
	hs := handshakeSteps()
	steps := append([]step(nil), hs[:3]...)
	seq := uint32(cISN + 1)
	for i, part := range []string{"aaaa", "bbbb", "cccc"} {
		steps = append(steps, step{c2s(event.FlagACK, seq, sISN+1, 512, part), "ACK len=4", 1 + 4*uint32(i), 1, 7, 512 << 7, false})
		seq += 4
	}
	steps = append(steps,
		step{c2s(event.FlagACK, cISN+5, sISN+1, 512, "bbbb"), "ACK len=4", 5, 1, 7, 512 << 7, true},
		// Same start, different length: a repacketization, not the same segment.
		step{c2s(event.FlagACK, cISN+5, sISN+1, 512, "bb"), "ACK len=2", 5, 1, 7, 512 << 7, false},
	)
	runSteps(t, NewFlows(), steps)
}

func TestFlowsWindowScaleNeedsBothSYNs(t *testing.T) {
	// The server does not offer window scaling, so neither side scales,
	// even though the client asked for shift 7.
	noWS := []layers.TCPOption{optMSS(1460), optSACKPerm()}
	steps := []step{
		{c2s(event.FlagSYN, cISN, 0, 65495, "", linuxSYNOpts(7, 1)...), "SYN", 0, 0, -1, 65495, false},
		{s2c(event.FlagSYN|event.FlagACK, sISN, cISN+1, 65535, "", noWS...), "SYN,ACK", 0, 1, 0, 65535, false},
		{c2s(event.FlagACK, cISN+1, sISN+1, 512, ""), "ACK", 1, 1, 0, 512, false},
		{s2c(event.FlagACK, sISN+1, cISN+1, 1000, ""), "ACK", 1, 1, 0, 1000, false},
	}
	runSteps(t, NewFlows(), steps)
}

func TestFlowsMidStream(t *testing.T) {
	// No handshake seen: the shift is unknown and relative numbers start at
	// 1, as Wireshark shows them; the first ACK has no known peer yet.
	steps := []step{
		{c2s(event.FlagPSH|event.FlagACK, 5000, 9000, 300, "abc"), "PSH,ACK len=3", 1, 0, -1, 300, false},
		{s2c(event.FlagACK, 9000, 5003, 400, ""), "ACK", 1, 4, -1, 400, false},
		{c2s(event.FlagPSH|event.FlagACK, 5003, 9000, 300, "de"), "PSH,ACK len=2", 4, 1, -1, 300, false},
		{c2s(event.FlagPSH|event.FlagACK, 5000, 9000, 300, "abc"), "PSH,ACK len=3", 1, 1, -1, 300, true},
	}
	runSteps(t, NewFlows(), steps)
}

func TestFlowsPortReuseStartsOver(t *testing.T) {
	f := NewFlows()
	runSteps(t, f, handshakeSteps())
	// Same 4-tuple, new ISNs: a new connection, nothing is a retransmission.
	const c2, s2 = 777, 888
	runSteps(t, f, []step{
		{c2s(event.FlagSYN, c2, 0, 65495, "", linuxSYNOpts(3, 1)...), "SYN", 0, 0, -1, 65495, false},
		{s2c(event.FlagSYN|event.FlagACK, s2, c2+1, 65483, "", linuxSYNOpts(4, 2)...), "SYN,ACK", 0, 1, 4, 65483, false},
		{c2s(event.FlagACK, c2+1, s2+1, 10, ""), "ACK", 1, 1, 3, 10 << 3, false},
	})
}

func TestFlowsRFC7323ClampsShift(t *testing.T) {
	runSteps(t, NewFlows(), []step{
		{c2s(event.FlagSYN, 1, 0, 100, "", optWS(20)), "SYN", 0, 0, -1, 100, false},
		{s2c(event.FlagSYN|event.FlagACK, 1, 2, 100, "", optWS(14)), "SYN,ACK", 0, 1, 14, 100, false},
		{c2s(event.FlagACK, 2, 2, 1, ""), "ACK", 1, 1, 14, 1 << 14, false},
	})
}

func TestFlowsEvictsOldest(t *testing.T) {
	f := NewFlows()
	f.MaxFlows = 8
	frame := func(port uint16, seq uint32) event.Segment {
		return mustDecode(t, build(t, pkt{src: cli, dst: srv, sport: port, dport: sPort, flags: event.FlagSYN, seq: seq}))
	}
	first := frame(1000, 42)
	f.Track(&first)
	for p := range uint16(20) {
		s := frame(2000+p, 1)
		f.Track(&s)
		if f.Len() > 8 {
			t.Fatalf("Len = %d beyond MaxFlows", f.Len())
		}
	}
	// Port 1000 was evicted, so its SYN is new again rather than a retransmission.
	again := frame(1000, 42)
	f.Track(&again)
	if again.Retrans {
		t.Error("evicted flow still remembered")
	}
	// The most recent one is still there.
	last := frame(2019, 1)
	f.Track(&last)
	if !last.Retrans {
		t.Error("recent flow forgotten")
	}
}

func TestFlowsConcurrentUse(t *testing.T) {
	f := NewFlows()
	var wg sync.WaitGroup
	for g := range 4 {
		frames := make([]event.Segment, 0, 100)
		for i := range 100 {
			frames = append(frames, mustDecode(t, build(t, pkt{src: cli, dst: srv, sport: uint16(3000 + g), dport: sPort,
				flags: event.FlagACK, seq: uint32(i * 10), payload: []byte("0123456789")})))
		}
		wg.Go(func() {
			for i := range frames {
				f.Track(&frames[i])
			}
		})
	}
	wg.Wait()
	if f.Len() != 4 {
		t.Errorf("Len = %d, want 4", f.Len())
	}
}

func TestFlowsZeroValue(t *testing.T) {
	var f Flows
	s := event.Segment{Proto: "tcp", Src: netip.MustParseAddrPort("127.0.0.1:1"), Dst: netip.MustParseAddrPort("127.0.0.1:2"), Flags: event.FlagSYN, Seq: 5}
	f.Track(&s)
	s.Retrans = false
	f.Track(&s)
	if !s.Retrans || f.Len() != 1 {
		t.Errorf("zero Flows: %+v, Len %d", s, f.Len())
	}
}

func TestSeqLE(t *testing.T) {
	cases := []struct {
		a, b uint32
		want bool
	}{
		{1, 2, true}, {2, 2, true}, {3, 2, false},
		{0xFFFF_FFFE, 4, true}, // b has wrapped past zero
		{4, 0xFFFF_FFFE, false},
	}
	for _, c := range cases {
		if got := seqLE(c.a, c.b); got != c.want {
			t.Errorf("seqLE(%#x, %#x) = %v", c.a, c.b, got)
		}
	}
}

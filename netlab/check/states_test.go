package check

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// moved runs events through a StateMover and returns the lines it wrote.
func moved(evs []event.Event, flush bool) []string {
	var out []string
	m := NewStateMover(event.SinkFunc(func(e event.Event) { out = append(out, e.String()) }))
	for _, e := range evs {
		m.Emit(e)
	}
	if flush {
		m.Flush()
	}
	return out
}

var (
	srvAddr = netip.MustParseAddrPort("127.0.0.1:5000")
	cliAddr = netip.MustParseAddrPort("127.0.0.1:40000")
	t0      = time.Unix(1000, 0)
)

func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

// The traced server's sendto is placed at its entry (0 ms); the client's
// FIN was captured at 2 ms; the program's state was read at the exit stop
// (3 ms), when the FIN had made it CLOSE_WAIT.
func sendAndFIN() []event.Event {
	send := event.Event{Kind: event.KindCall, Op: event.OpSendto, Syscall: "sendto", Actor: "program", FD: 4, Result: 6,
		Local: srvAddr, Remote: cliAddr, State: event.StateCloseWait, At: ms(0), StateAt: ms(3)}
	fin := event.Event{Kind: event.KindPacket, Actor: "wire", At: ms(2), Pkt: &event.Packet{From: "client 1", To: "program",
		Seg: event.Segment{Proto: "tcp", Src: cliAddr, Dst: srvAddr, Flags: event.FlagFIN | event.FlagACK}}}
	recv := event.Event{Kind: event.KindCall, Op: event.OpRecvfrom, Syscall: "recvfrom", Actor: "program", FD: 4,
		Local: srvAddr, Remote: cliAddr, State: event.StateCloseWait, At: ms(5), StateAt: ms(6)}
	return []event.Event{send, fin, recv}
}

func TestStateMoverDrawsAStateBelowTheSegmentThatCausedIt(t *testing.T) {
	out := moved(sendAndFIN(), true)
	if len(out) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(out), strings.Join(out, "\n"))
	}
	if strings.Contains(out[0], "CLOSE_WAIT") || !strings.HasPrefix(out[0], "program   sendto(") {
		t.Errorf("the sendto row shows a state the FIN below it caused: %q", out[0])
	}
	if !strings.Contains(out[1], "FIN") {
		t.Errorf("second line is not the FIN: %q", out[1])
	}
	if !strings.Contains(out[2], "state now CLOSE_WAIT (read when sendto(4) returned, after the segments above)") {
		t.Errorf("third line is not the state row: %q", out[2])
	}
	if !strings.Contains(out[3], "recvfrom(") || !strings.Contains(out[3], "CLOSE_WAIT") {
		t.Errorf("the recvfrom after the FIN keeps its state on its row: %q", out[3])
	}
}

func TestStateMoverHoldsACallUntilItsReadIsPast(t *testing.T) {
	evs := sendAndFIN()
	if out := moved(evs[:2], false); len(out) != 0 {
		t.Fatalf("wrote %q before an event past the sendto's read came", out)
	}
	// A state read with no segment of its connection before the read stays
	// on its row.
	evs[1].Pkt.Seg.Src = netip.MustParseAddrPort("127.0.0.1:40001")
	out := moved(evs, false)
	if len(out) < 1 || !strings.Contains(out[0], "CLOSE_WAIT") {
		t.Fatalf("the state left a row no segment of its connection came under: %q", out)
	}
}

// TestStateMoverDrawsAStateBelowThePeersClose: with no capture (socklab run
// with two programs, no wire), the server's sendto returned at 0 ms but
// its state was read at 4 ms, after the client had read the echo (2 ms)
// and closed (3 ms): CLOSE_WAIT, caused by that close. The sendto's row
// must not show it above the close; a row after the close says it. (A
// 20-run series printed "sendto(4, …) = 14 … CLOSE_WAIT" two lines above
// the client's close.)
func TestStateMoverDrawsAStateBelowThePeersClose(t *testing.T) {
	send := event.Event{Kind: event.KindCall, Op: event.OpSendto, Syscall: "sendto", Actor: "program 1", FD: 4, Result: 14,
		Local: srvAddr, Remote: cliAddr, State: event.StateCloseWait, At: ms(0), StateAt: ms(4)}
	recv := event.Event{Kind: event.KindCall, Op: event.OpRecvfrom, Syscall: "recvfrom", Actor: "program 2", FD: 3, Result: 14,
		Local: cliAddr, Remote: srvAddr, State: event.StateEstablished, At: ms(2), StateAt: ms(2)}
	closing := event.Event{Kind: event.KindCall, Op: event.OpClose, Syscall: "close", Actor: "program 2", FD: 3,
		Local: cliAddr, Remote: srvAddr, State: event.StateFinWait1, At: ms(3), StateAt: ms(3)}
	after := event.Event{Kind: event.KindCall, Op: event.OpRecvfrom, Syscall: "recvfrom", Actor: "program 1", FD: 4,
		Local: srvAddr, Remote: cliAddr, State: event.StateCloseWait, At: ms(5), StateAt: ms(5)}
	out := moved([]event.Event{send, recv, closing, after}, true)
	if len(out) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(out), strings.Join(out, "\n"))
	}
	if strings.Contains(out[0], "CLOSE_WAIT") {
		t.Errorf("the sendto row shows a state the close below it caused: %q", out[0])
	}
	if !strings.Contains(out[2], "close(") {
		t.Errorf("third line is not the client's close: %q", out[2])
	}
	if !strings.Contains(out[3], "state now CLOSE_WAIT (read when sendto(4) returned, after the other end's close above)") {
		t.Errorf("fourth line is not the state row: %q", out[3])
	}
	// The client's own close does not move a state of the client's side:
	// it is not the other end's.
	own := closing
	own.Local, own.Remote = srvAddr, cliAddr
	if out := moved([]event.Event{send, recv, own, after}, true); !strings.Contains(out[0], "CLOSE_WAIT") {
		t.Errorf("a close of the same side moved the state: %q", out[0])
	}
}

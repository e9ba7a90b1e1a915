package lessons

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// TestTraceDrawsAStateWhereItWasRead: a close whose state was read after
// its FIN and the peer's FIN prints no state; the state follows the last
// segment captured before the read, above the one captured after it.
func TestTraceDrawsAStateWhereItWasRead(t *testing.T) {
	parallel(t, rankOther)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(us int) time.Time { return t0.Add(time.Duration(us) * time.Microsecond) }
	cli := netip.MustParseAddrPort("127.0.0.1:40001")
	srv := netip.MustParseAddrPort("127.0.0.1:1081")
	pkt := func(src, dst netip.AddrPort, us int, f event.Flags) event.Event {
		return event.Event{Kind: event.KindPacket, At: at(us), Pkt: &event.Packet{Seg: event.Segment{Src: src, Dst: dst, Proto: "tcp", Flags: f}}}
	}
	res := &StepResult{Index: 0, Events: []event.Event{
		{Kind: event.KindCall, Op: event.OpClose, Actor: "c2", FD: 15, Local: cli, Remote: srv,
			State: event.StateTimeWait, At: at(0), Return: at(30), StateAt: at(40)},
		pkt(cli, srv, 10, event.FlagFIN|event.FlagACK),
		pkt(srv, cli, 20, event.FlagFIN|event.FlagACK),
		pkt(cli, srv, 50, event.FlagACK),
	}}
	l := &Lesson{Title: "t", Steps: []Step{{Title: "close"}}}
	var b strings.Builder
	WriteStep(&b, l, res)
	closeAt, stateAt := callAndStateLines(t, b.String(), "close(", "TIME_WAIT", "state now TIME_WAIT")
	if closeAt < 0 || stateAt != closeAt+3 {
		t.Fatalf("want close, two FINs, then the state (close at %d, state at %d):\n%s", closeAt, stateAt, b.String())
	}
}

// TestTraceShowsASysctlsValue: the read's line carries what was read, not
// only read()'s byte count.
func TestTraceShowsASysctlsValue(t *testing.T) {
	parallel(t, rankOther)
	res := &StepResult{Index: 0, Events: []event.Event{{Kind: event.KindCall, Op: event.OpSysctl, Role: event.RoleLab, Actor: "ports",
		Text: "/proc/sys/net/ipv4/ip_local_port_range", FD: -1, Result: 12, Data: []byte("32768 60999")}}}
	var b strings.Builder
	WriteStep(&b, &Lesson{Steps: []Step{{Title: "s"}}}, res)
	if !strings.Contains(b.String(), `= 12 bytes: "32768 60999"`) {
		t.Fatalf("the value read is not on the read's line:\n%s", b.String())
	}
}

// TestTraceDrawsAStateBelowThePeersClose: a send whose state was read
// after the other end's close (drawn below it) prints no state; the state
// follows the close.
func TestTraceDrawsAStateBelowThePeersClose(t *testing.T) {
	parallel(t, rankOther)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(us int) time.Time { return t0.Add(time.Duration(us) * time.Microsecond) }
	cli := netip.MustParseAddrPort("127.0.0.1:40001")
	srv := netip.MustParseAddrPort("127.0.0.1:1081")
	res := &StepResult{Index: 0, Events: []event.Event{
		{Kind: event.KindCall, Op: event.OpSend, Actor: "conn", FD: 4, Result: 5, Local: srv, Remote: cli,
			State: event.StateCloseWait, At: at(0), Return: at(0), StateAt: at(40)},
		{Kind: event.KindCall, Op: event.OpClose, Actor: "client", FD: 3, Local: cli, Remote: srv,
			State: event.StateFinWait1, At: at(20), Return: at(20), StateAt: at(20)},
	}}
	l := &Lesson{Title: "t", Steps: []Step{{Title: "close"}}}
	var b strings.Builder
	WriteStep(&b, l, res)
	sendAt, stateAt := callAndStateLines(t, b.String(), "send(", "CLOSE_WAIT", "state now CLOSE_WAIT (read after the other end's close above)")
	if sendAt < 0 || stateAt != sendAt+2 {
		t.Fatalf("want send, the close, then the state (send at %d, state at %d):\n%s", sendAt, stateAt, b.String())
	}
}

// callAndStateLines finds, in a step's trace out, the line of the call
// (the last holding call) and the line of its state drawn apart (the last
// holding stateLine); the call's own line must not show state.
func callAndStateLines(t *testing.T, out, call, state, stateLine string) (callAt, stateAt int) {
	t.Helper()
	callAt, stateAt = -1, -1
	for i, ln := range strings.Split(out, "\n") {
		if strings.Contains(ln, call) {
			callAt = i
			if strings.Contains(ln, state) {
				t.Errorf("the %s line shows a state read after what is drawn below it: %q", call, ln)
			}
		}
		if strings.Contains(ln, stateLine) {
			stateAt = i
		}
	}
	return callAt, stateAt
}

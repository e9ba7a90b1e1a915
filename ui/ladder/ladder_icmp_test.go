package ladder

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/internal/fixture"
	"github.com/socklab/socklab/ui/theme"
)

// icmpEvent is the kernel's port unreachable back to a client that sent a
// datagram to port 4242, answering call 7 (a sendto).
func icmpEvent(seq uint64) event.Event {
	lo := netip.MustParseAddrPort("127.0.0.1:0")
	p := &event.Packet{Seg: event.Segment{Proto: "icmp", Src: lo, Dst: lo, Len: 35, HeaderLen: 42,
		ICMP: event.ICMP{Type: 3, Code: 3, Quoted: event.ICMPQuote{Proto: "udp", Src: netip.MustParseAddrPort("127.0.0.1:40001"),
			Dst: netip.MustParseAddrPort("127.0.0.1:4242"), Len: 7}}},
		To: "client 1", ToRole: event.RoleClient, FromRole: event.RoleServer,
		Origin: event.OriginKernel, Reason: event.ReasonPortUnreachable, Cause: 7, CauseOp: event.OpSendto,
		Why: "the kernel has no socket on udp port 4242: it answers sendto's datagram"}
	return event.Event{Seq: seq, Kind: event.KindPacket, Pkt: p, FD: -1, Role: event.RoleServer, Data: make([]byte, 77)}
}

// TestLadderICMP: an ICMP error is an arrow from the kernel to the socket
// whose datagram it quotes, naming the port and the call it answers; the
// bytes view names the quoted datagram.
func TestLadderICMP(t *testing.T) {
	st := theme.NewStyles(theme.ThemeDark, true)
	send := event.Event{Seq: 1, Kind: event.KindCall, Op: event.OpSendto, Role: event.RoleClient, Actor: "client 1",
		FD: 5, Result: 7, Data: []byte("anyone?"), Remote: netip.MustParseAddrPort("127.0.0.1:4242")}
	out := ansi.Strip(Render([]event.Event{send, icmpEvent(2)}, 110, 8, st, Opts{Packets: true}))
	var row string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "ICMP") {
			row = l
		}
	}
	if row == "" {
		t.Fatalf("no ICMP row:\n%s", out)
	}
	for _, want := range []string{"◀", "ICMP :4242", "kernel ↩ sendto(): port 4242 unreachable"} {
		if !strings.Contains(row, want) {
			t.Errorf("ICMP row lacks %q: %q", want, row)
		}
	}
	if strings.Contains(row, "▶") {
		t.Errorf("the ICMP arrow points away from the client it goes to: %q", row)
	}
	// A narrow lane drops the port from the arrow rather than cut it.
	narrow := ansi.Strip(packetArrow(icmpEvent(2), 12, st))
	if !strings.Contains(narrow, " ICMP ") || strings.Contains(narrow, ":") {
		t.Errorf("narrow ICMP arrow %q, want the word ICMP and no cut port", narrow)
	}
	b := ansi.Strip(RenderBytes(icmpEvent(2), 80, 12, st))
	for _, want := range []string{"kernel → client 1", "udp port 4242 unreachable", "127.0.0.1:40001 → 127.0.0.1:4242"} {
		if !strings.Contains(b, want) {
			t.Errorf("bytes view lacks %q:\n%s", want, b)
		}
	}
}

// TestPacketSideOrigins: the text beside a segment says who sent it: the
// call whose bytes it carries (and that they were held), a call matched
// only by time, the kernel, or a program outside socklab.
func TestPacketSideOrigins(t *testing.T) {
	st := theme.NewStyles(theme.ThemeDark, true)
	cases := []struct {
		origin event.Origin
		rule   event.Rule
		reason event.Reason
		want   string
	}{
		{event.OriginCall, event.RuleBytes, event.ReasonNone, "by send()"},
		{event.OriginCall, event.RuleBytes, event.ReasonHeld, "by send(), held"},
		{event.OriginCall, event.RuleTiming, event.ReasonNone, "during send()"},
		{event.OriginKernel, event.RuleKind, event.ReasonAck, "kernel"},
		{event.OriginOutside, event.RuleNone, event.ReasonNone, "outside socklab"},
	}
	for _, c := range cases {
		e := fixture.Seg(2, event.FlagPSH|event.FlagACK, 5, false, event.OpSend)
		e.Pkt.Origin, e.Pkt.Rule, e.Pkt.Reason = c.origin, c.rule, c.reason
		got := ansi.Strip(packetSide(e, st, rowNormal))
		if got != c.want {
			t.Errorf("origin %v rule %v reason %v: %q, want %q", c.origin, c.rule, c.reason, got, c.want)
		}
	}
}

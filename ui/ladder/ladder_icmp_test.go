package ladder

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/wire"
	"github.com/socklab/socklab/ui/internal/fixture"
	"github.com/socklab/socklab/ui/theme"
)

// icmpEvent is the kernel's port unreachable back to a client that sent a
// datagram to port 4242, answering call 7 (a sendto).
func icmpEvent(seq uint64) netlab.Event {
	lo := netip.MustParseAddrPort("127.0.0.1:0")
	p := &netlab.Packet{Seg: wire.Segment{Proto: "icmp", Src: lo, Dst: lo, Len: 35, HeaderLen: 42,
		ICMP: wire.ICMP{Type: 3, Code: 3, Quoted: wire.Quote{Proto: "udp", Src: netip.MustParseAddrPort("127.0.0.1:40001"),
			Dst: netip.MustParseAddrPort("127.0.0.1:4242"), Len: 7}}},
		To: "client 1", ToRole: netlab.RoleClient, FromRole: netlab.RoleServer,
		Origin: netlab.OriginKernel, Reason: netlab.ReasonPortUnreachable, Cause: 7, CauseOp: netlab.OpSendto,
		Why: "the kernel has no socket on udp port 4242: it answers sendto's datagram"}
	return netlab.Event{Seq: seq, Kind: netlab.KindPacket, Pkt: p, FD: -1, Role: netlab.RoleServer, Data: make([]byte, 77)}
}

// TestLadderICMP: an ICMP error is an arrow from the kernel to the socket
// whose datagram it quotes, naming the port and the call it answers; the
// bytes view names the quoted datagram.
func TestLadderICMP(t *testing.T) {
	st := theme.NewStyles(theme.ThemeDark, true)
	send := netlab.Event{Seq: 1, Kind: netlab.KindCall, Op: netlab.OpSendto, Role: netlab.RoleClient, Actor: "client 1",
		FD: 5, Result: 7, Data: []byte("anyone?"), Remote: netip.MustParseAddrPort("127.0.0.1:4242")}
	out := ansi.Strip(Render([]netlab.Event{send, icmpEvent(2)}, 110, 8, st, Opts{Packets: true}))
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
		origin netlab.Origin
		rule   netlab.Rule
		reason netlab.Reason
		want   string
	}{
		{netlab.OriginCall, netlab.RuleBytes, netlab.ReasonNone, "by send()"},
		{netlab.OriginCall, netlab.RuleBytes, netlab.ReasonHeld, "by send(), held"},
		{netlab.OriginCall, netlab.RuleTiming, netlab.ReasonNone, "during send()"},
		{netlab.OriginKernel, netlab.RuleKind, netlab.ReasonAck, "kernel"},
		{netlab.OriginOutside, netlab.RuleNone, netlab.ReasonNone, "outside socklab"},
	}
	for _, c := range cases {
		e := fixture.Seg(2, wire.FlagPSH|wire.FlagACK, 5, false, netlab.OpSend)
		e.Pkt.Origin, e.Pkt.Rule, e.Pkt.Reason = c.origin, c.rule, c.reason
		got := ansi.Strip(packetSide(e, st, rowNormal))
		if got != c.want {
			t.Errorf("origin %v rule %v reason %v: %q, want %q", c.origin, c.rule, c.reason, got, c.want)
		}
	}
}

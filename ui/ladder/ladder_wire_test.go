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

// TestLadderPackets: with the wire shown, each captured segment is a row
// whose arrow names its flags and points away from its sender, and a call
// draws no arrow of its own; without it, no segment and no arrow appear
// and a call's lane shows its socket's TCP_INFO counters instead.
func TestLadderPackets(t *testing.T) {
	st := theme.NewStyles(theme.ThemeDark, true)
	send := event.Event{Seq: 1, Kind: event.KindCall, Op: event.OpSend, Role: event.RoleClient, Actor: "client 1",
		FD: 5, Result: 6, Data: []byte("hello\n"), Remote: netip.MustParseAddrPort("127.0.0.1:1081"),
		Segs: event.Segs{Valid: true, Out: 4, In: 2}}
	first := send
	first.Seq, first.Op, first.Data, first.Result = 0, event.OpConnect, nil, 0
	first.Segs = event.Segs{Valid: true, Out: 2, In: 1}
	events := []event.Event{first, send,
		fixture.Seg(2, event.FlagPSH|event.FlagACK, 6, true, event.OpSend),
		fixture.Seg(3, event.FlagACK, 0, false, event.OpNone),
		fixture.Seg(4, event.FlagRST, 0, false, event.OpClose)}
	with := ansi.Strip(Render(events, 100, 12, st, Opts{Packets: true}))
	for _, want := range []string{"PSH,ACK 6 ─", "◀─", "RST", "by send()", "kernel"} {
		if !strings.Contains(with, want) {
			t.Errorf("with packets, %q missing:\n%s", want, with)
		}
	}
	if strings.Contains(with, "2 out") {
		t.Errorf("with packets, a call's lane still shows counters:\n%s", with)
	}
	without := ansi.Strip(Render(events, 100, 12, st, Opts{}))
	for _, gone := range []string{"PSH", "RST", "▶", "◀"} {
		if strings.Contains(without, gone) {
			t.Errorf("calls only, %q drawn:\n%s", gone, without)
		}
	}
	if !strings.Contains(without, "2 out · 1 in") {
		t.Errorf("calls only, the send's lane lacks its TCP_INFO counters (2 out · 1 in):\n%s", without)
	}
}

// TestPacketBytesView: a selected segment shows its header fields and its
// frame in hex.
func TestPacketBytesView(t *testing.T) {
	st := theme.NewStyles(theme.ThemeDark, true)
	e := fixture.Seg(2, event.FlagSYN, 0, true, event.OpConnect)
	e.Pkt.Seg.Seq, e.Pkt.Seg.Win, e.Pkt.Seg.Opts = 2879839075, 65495, event.Options{MSS: 65495, WScale: 7}
	e.Pkt.Why = "sent by connect"
	out := ansi.Strip(RenderBytes(e, 80, 12, st))
	for _, want := range []string{"client 1 → server", "SYN", "sent by connect", "seq 0 (2879839075)", "window 65495", "never scaled", "mss 65495", "wscale 7", "0000  00 00"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing:\n%s", want, out)
		}
	}
}

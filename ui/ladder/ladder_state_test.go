package ladder

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/theme"
)

// closeThenFIN is a close whose state was read after the peer's FIN came
// back: the FIN and the ACK are drawn below the close.
func closeThenFIN() []event.Event {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cli := netip.MustParseAddrPort("127.0.0.1:40001")
	srv := netip.MustParseAddrPort("127.0.0.1:1081")
	seg := func(src, dst netip.AddrPort, fin bool) *event.Packet {
		s := event.Segment{Src: src, Dst: dst, Proto: "tcp", Flags: event.FlagACK}
		if fin {
			s.Flags |= event.FlagFIN
		}
		from, to := event.RoleClient, event.RoleServer
		if src == srv {
			from, to = to, from
		}
		return &event.Packet{Seg: s, FromRole: from, ToRole: to}
	}
	at := func(us int) time.Time { return t0.Add(time.Duration(us) * time.Microsecond) }
	return []event.Event{
		{Seq: 1, Kind: event.KindCall, Op: event.OpClose, Role: event.RoleClient, Actor: "client 2", FD: 15,
			Local: cli, Remote: srv, State: event.StateTimeWait, At: at(0), Return: at(30), StateAt: at(40)},
		{Seq: 2, Kind: event.KindPacket, Role: event.RoleClient, At: at(10), Pkt: seg(cli, srv, true)},
		{Seq: 3, Kind: event.KindPacket, Role: event.RoleServer, At: at(20), Pkt: seg(srv, cli, true)},
		{Seq: 4, Kind: event.KindPacket, Role: event.RoleClient, At: at(50), Pkt: seg(cli, srv, false)},
	}
}

// TestStateIsDrawnWhereItWasRead: the close row shows no state; TIME_WAIT
// has its own row below the two FINs (captured before the read) and above
// the last ACK (captured after it).
func TestStateIsDrawnWhereItWasRead(t *testing.T) {
	evs := closeThenFIN()
	if bad := StateLeaks(evs); len(bad) > 0 {
		t.Fatal(bad)
	}
	out := ansi.Strip(Render(evs, 100, 8, theme.NewStyles(theme.ThemeDark, true), Opts{Packets: true}))
	rows := lastRows(out, "close(15)", "state now TIME_WAIT", "FIN")
	closeAt, stateAt, lastFIN := rows[0], rows[1], rows[2]
	noStateOnRow(t, out, closeAt, "TIME_WAIT")
	if closeAt < 0 || stateAt < 0 || !(closeAt < lastFIN && lastFIN < stateAt) {
		t.Fatalf("want close, the FINs, then the state row (close %d, last FIN %d, state %d):\n%s", closeAt, lastFIN, stateAt, out)
	}
	// Without the wire no segment is drawn, so the state stays on its row.
	out = ansi.Strip(Render(evs, 100, 8, theme.NewStyles(theme.ThemeDark, true), Opts{}))
	if !strings.Contains(out, "TIME_WAIT") || strings.Contains(out, "state now") {
		t.Fatalf("without segments the state belongs on the call's row:\n%s", out)
	}
}

// TestStateIsDrawnBelowThePeersClose: without the wire, a ladder of both
// ends (socklab run with two programs) draws the client's close between
// the server's sendto and the read of its state: CLOSE_WAIT, which that
// close caused, gets a row below the close, not the sendto's row.
func TestStateIsDrawnBelowThePeersClose(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(us int) time.Time { return t0.Add(time.Duration(us) * time.Microsecond) }
	cli := netip.MustParseAddrPort("127.0.0.1:40001")
	srv := netip.MustParseAddrPort("127.0.0.1:1081")
	evs := []event.Event{
		{Seq: 1, Kind: event.KindCall, Op: event.OpSend, Role: event.RoleConn, Actor: "program 1", FD: 4, Result: 14,
			Local: srv, Remote: cli, State: event.StateCloseWait, At: at(0), Return: at(0), StateAt: at(40)},
		{Seq: 2, Kind: event.KindCall, Op: event.OpRecv, Role: event.RoleClient, Actor: "program 2", FD: 3, Result: 14,
			Local: cli, Remote: srv, State: event.StateEstablished, At: at(10), Return: at(10), StateAt: at(10)},
		{Seq: 3, Kind: event.KindCall, Op: event.OpClose, Role: event.RoleClient, Actor: "program 2", FD: 3,
			Local: cli, Remote: srv, State: event.StateFinWait1, At: at(20), Return: at(20), StateAt: at(20)},
	}
	out := ansi.Strip(Render(evs, 100, 8, theme.NewStyles(theme.ThemeDark, true), Opts{}))
	rows := lastRows(out, "send(4", "close(3)", "state now CLOSE_WAIT")
	sendAt, closeAt, stateAt := rows[0], rows[1], rows[2]
	noStateOnRow(t, out, sendAt, "CLOSE_WAIT")
	if sendAt < 0 || !(sendAt < closeAt && closeAt < stateAt) {
		t.Fatalf("want the send, the client's close, then the state row (send %d, close %d, state %d):\n%s", sendAt, closeAt, stateAt, out)
	}
}

// TestNewerRowsAreNeverHidden: with an older message selected the ladder
// says how many rows are below; following the newest, the newest rows (a
// new client's socket and connect) are drawn although the message shown is
// older.
func TestNewerRowsAreNeverHidden(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var evs []event.Event
	for i := 1; i <= 30; i++ {
		evs = append(evs, event.Event{Seq: uint64(i), Kind: event.KindCall, Op: event.OpSend, Role: event.RoleClient,
			Actor: "client 1", FD: 4, Result: i, At: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	evs = append(evs, event.Event{Seq: 31, Kind: event.KindCall, Op: event.OpSocket, Role: event.RoleClient, Actor: "client 2", Result: 9, FD: -1},
		event.Event{Seq: 32, Kind: event.KindCall, Op: event.OpConnect, Role: event.RoleClient, Actor: "client 2", FD: 9,
			Args: event.Args{Addr: netip.MustParseAddrPort("127.0.0.1:1081")}, State: event.StateEstablished})
	st := theme.NewStyles(theme.ThemeDark, true)
	picked := ansi.Strip(Render(evs, 100, 12, st, Opts{Selected: 5}))
	if !strings.Contains(picked, "send(4) = 5") || !strings.Contains(picked, "newer below") {
		t.Fatalf("an older pick must stay in view and say that newer rows exist:\n%s", picked)
	}
	following := ansi.Strip(Render(evs, 100, 12, st, Opts{Selected: 20, Follow: true}))
	if !strings.Contains(following, "c2 connect(9, :1081)") || strings.Contains(following, "newer below") {
		t.Fatalf("following the newest, the new client's connect must be drawn:\n%s", following)
	}
}

// lastRows is, for each of subs, the last row of out holding it (the first
// of subs that a row holds wins), or -1.
func lastRows(out string, subs ...string) []int {
	rows := make([]int, len(subs))
	for i := range rows {
		rows[i] = -1
	}
	for i, l := range strings.Split(out, "\n") {
		for j, s := range subs {
			if strings.Contains(l, s) {
				rows[j] = i
				break
			}
		}
	}
	return rows
}

// noStateOnRow fails when row of out shows state: a state read after what
// is drawn below the call belongs on a row of its own.
func noStateOnRow(t *testing.T, out string, row int, state string) {
	t.Helper()
	if lines := strings.Split(out, "\n"); row >= 0 && strings.Contains(lines[row], state) {
		t.Errorf("the call's row shows a state read after what is drawn below it: %q", lines[row])
	}
}

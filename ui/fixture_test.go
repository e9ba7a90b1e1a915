package ui

import (
	"net/netip"
	"syscall"
	"time"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/feed"
	"github.com/socklab/socklab/ui/internal/fixture"
	"github.com/socklab/socklab/ui/theme"
)

// fixtureEvents is a fixed calculator session: a server, two clients, a
// request and its reply, a UTF-8 payload, a refused connect, a client that
// closes (EOF on the server, TIME_WAIT on the client). No real ports or
// times, so goldens are stable.
func fixtureEvents() []event.Event {
	srv := netip.MustParseAddrPort("127.0.0.1:1081")
	c1 := netip.MustParseAddrPort("127.0.0.1:40001")
	c2 := netip.MustParseAddrPort("127.0.0.1:40002")
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var evs []event.Event
	add := func(e event.Event) {
		e.Seq = uint64(len(evs) + 1)
		t := t0.Add(time.Duration(len(evs)) * time.Millisecond)
		e.Enter, e.Return, e.At = t, t, t
		e.CallID = event.CallID(e.Seq)
		evs = append(evs, e)
	}
	call := func(actor, name, args string, fd, res int, l, r netip.AddrPort, st event.TCPState, data string) {
		e := fixture.Call(t0, actor, name, args, fd, res, l, r, st)
		if data != "" {
			e.Data = []byte(data)
		}
		add(e)
	}
	none := netip.AddrPort{}
	call("server", "socket", "AF_INET, SOCK_STREAM, 0", -1, 3, none, none, event.StateClosed, "")
	call("server", "setsockopt", "3, SOL_SOCKET, SO_REUSEADDR, 1", 3, 0, none, none, event.StateClosed, "")
	call("server", "bind", "3, 127.0.0.1:1081", 3, 0, srv, none, event.StateClosed, "")
	call("server", "listen", "3, 16", 3, 0, srv, none, event.StateListen, "")
	call("client 1", "socket", "AF_INET, SOCK_STREAM, 0", -1, 4, none, none, event.StateClosed, "")
	call("client 1", "connect", "4, 127.0.0.1:1081", 4, 0, c1, srv, event.StateEstablished, "")
	acc := fixture.Call(t0, "server", "accept", "3", 3, 5, srv, c1, event.StateListen)
	acc.NewState = event.StateEstablished
	add(acc)
	call("client 1", "send", `4, "2+3*4\n", 6, 0`, 4, 6, c1, srv, event.StateEstablished, "2+3*4\n")
	call("server", "recv", "5, 1024, 0", 5, 6, srv, c1, event.StateEstablished, "2+3*4\n")
	call("server", "send", `5, "14\n", 3, 0`, 5, 3, srv, c1, event.StateEstablished, "14\n")
	call("client 1", "recv", "4, 1024, 0", 4, 3, c1, srv, event.StateEstablished, "14\n")
	call("client 1", "send", `4, "héllo 😀\n", 12, 0`, 4, 12, c1, srv, event.StateEstablished, "héllo 😀\n")
	call("server", "recv", "5, 1024, 0", 5, 12, srv, c1, event.StateEstablished, "héllo 😀\n")
	call("server", "send", `5, "error: …\n", 27, 0`, 5, 27, srv, c1, event.StateEstablished, "error: unknown name héllo\n")
	call("client 1", "recv", "4, 1024, 0", 4, 27, c1, srv, event.StateEstablished, "error: unknown name héllo\n")
	call("client 2", "socket", "AF_INET, SOCK_STREAM, 0", -1, 6, none, none, event.StateClosed, "")
	refused := fixture.Call(t0, "client 2", "connect", "6, 127.0.0.1:1082", 6, -1, none, none, event.StateNone)
	refused.Errno = syscall.ECONNREFUSED
	add(refused)
	call("client 2", "connect", "6, 127.0.0.1:1081", 6, 0, c2, srv, event.StateEstablished, "")
	pkt := func(fromClient bool, flags event.Flags, n int, cause event.Op, why string) {
		e := fixture.Seg(0, flags, n, fromClient, cause)
		e.Pkt.Seg.Src, e.Pkt.Seg.Dst = c2, srv
		e.Pkt.From, e.Pkt.To = "client 2", "server"
		if !fromClient {
			e.Pkt.Seg.Src, e.Pkt.Seg.Dst = srv, c2
			e.Pkt.From, e.Pkt.To = "server", "client 2"
		}
		e.Pkt.Why = why
		e.Role = e.Pkt.FromRole
		add(e)
	}
	pkt(true, event.FlagSYN, 0, event.OpConnect, "sent by connect")
	pkt(false, event.FlagSYN|event.FlagACK, 0, event.OpNone, "the kernel answers the SYN: no accept() needed")
	pkt(true, event.FlagACK, 0, event.OpNone, "the kernel acknowledges what it received")
	acc2 := fixture.Call(t0, "server", "accept", "3", 3, 7, srv, c2, event.StateListen)
	acc2.NewState = event.StateEstablished
	add(acc2)
	add(event.Event{Kind: event.KindNote, Actor: "server", FD: -1, Note: "client 127.0.0.1:40002 joined"})
	call("client 1", "close", "4", 4, 0, c1, srv, event.StateFinWait2, "")
	call("server", "recv", "5, 1024, 0", 5, 0, srv, c1, event.StateCloseWait, "")
	call("server", "close", "5", 5, 0, srv, c1, event.StateNone, "")
	return evs
}

// fixtureSocks is the snapshot that goes with fixtureEvents.
func fixtureSocks() []sock.SockInfo {
	srv := netip.MustParseAddrPort("127.0.0.1:1081")
	c1 := netip.MustParseAddrPort("127.0.0.1:40001")
	c2 := netip.MustParseAddrPort("127.0.0.1:40002")
	return []sock.SockInfo{
		{Actor: "server", Role: event.RoleServer, FD: 3, Listening: true, Local: srv, State: event.StateListen},
		{Actor: "client 1", Role: event.RoleClient, FD: 4, Local: c1, Remote: srv, State: event.StateTimeWait, Closed: true, BytesIn: 30, BytesOut: 18},
		{Actor: "server", Role: event.RoleConn, FD: 5, Accepted: true, Local: srv, Remote: c1, State: event.StateNone, Closed: true, BytesIn: 18, BytesOut: 30},
		{Actor: "client 2", Role: event.RoleClient, FD: 6, Local: c2, Remote: srv, State: event.StateEstablished},
		{Actor: "server", Role: event.RoleConn, FD: 7, Accepted: true, Local: srv, Remote: c2, State: event.StateEstablished},
	}
}

// fixtureModel is a root model showing the calculator pane fed from the
// fixture, with no lab behind it: nothing real is started.
func fixtureModel(theme theme.Theme, w, h int) *Model {
	m := NewModel(Options{Pane: "calc", Theme: theme})
	p := m.panes[common.PaneCalc].(*labPane)
	f := &feed.Feed{To: common.PaneCalc, Socks: fixtureSocks(), Snapped: true, Wire: netlab.WireStatus{Asked: true, On: true, Private: true}}
	evs := fixtureEvents()
	f.Add(evs)
	f.Blocked = []event.Event{{Kind: event.KindBlocked, Op: event.OpAccept, Role: event.RoleServer, Actor: "server", Text: "3", FD: 3, CallID: 100}}
	f.Pending = []event.Event{{Kind: event.KindPending, Op: event.OpSend, Role: event.RoleClient, Actor: "client 2", Text: `6, "1/0\n", 4, 0`, FD: 6, CallID: 101}}
	p.feed = f
	p.addr = netip.MustParseAddrPort("127.0.0.1:1081")
	f.Clients = []string{"client 2"}
	m.inited[common.PaneCalc] = true
	m.Update(tea_WindowSize(w, h))
	return m
}

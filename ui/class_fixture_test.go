package ui

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/theme"
)

// fixtureClassSnap is a class of n students on a fixed subnet at a fixed
// time: most served, two over the rate limit, three that left (in LAST_ACK,
// TIME_WAIT and gone), an outsider refused. No real ports or times.
func fixtureClassSnap(n int) service.ClassSnapshot {
	t0 := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	srv := netip.MustParseAddrPort("10.77.0.1:1081")
	s := service.ClassSnapshot{Taken: t0.Add(10 * time.Minute), Service: service.Calc,
		Addr: netip.MustParseAddrPort("0.0.0.0:1081"), Allow: service.AllowList{netip.MustParsePrefix("10.77.0.0/24")},
		Rate: 20, MaxClients: 1024, IdleTimeout: 10 * time.Minute, MaxLine: 4096,
		Queue: sock.AcceptQueue{Len: 3, Max: 4096, Valid: true}, Hold: service.HoldState{InAccept: true},
		States: map[event.TCPState]int{}, ReqRate: 42.5}
	for i := range n {
		ip := netip.AddrFrom4([4]byte{10, 77, 0, byte(11 + i%200)})
		l := service.Lane{ID: uint64(i + 1), FD: 10 + i, Local: srv, Remote: netip.AddrPortFrom(ip, uint16(40000+i*7)),
			State: event.StateEstablished, BytesIn: uint64(12 * (i + 1)), BytesOut: uint64(5 * (i + 1)),
			Requests: uint64(i + 1), Since: t0.Add(time.Duration(i) * time.Second),
			LastReq: fmt.Appendf(nil, "%d*%d", i, i), LastReply: fmt.Append(nil, i*i)}
		switch {
		case i == 1:
			l.Limited, l.Errors, l.LastReq, l.LastReply = 17, 17, []byte("1+1"), []byte("error: rate limit: at most 20 requests a second per client; this one was not evaluated")
		case i == 4:
			l.Errors, l.LastReq, l.LastReply = 1, []byte("9**9**9"), []byte("error: result too large")
		case i == n-3:
			l.Ended, l.Why, l.State = t0.Add(9*time.Minute), "the client closed (recv returned 0)", event.StateLastAck
		case i == n-2:
			l.Ended, l.Why, l.State = t0.Add(9*time.Minute), "idle for 10m: closed by the server", event.StateTimeWait
		case i == n-1:
			l.Ended, l.Why, l.State = t0.Add(9*time.Minute), "the client sent quit (answered bye)", event.StateNone
		}
		if l.Open() {
			s.Connected++
		}
		s.States[l.State]++
		s.Lanes = append(s.Lanes, l)
	}
	s.Total = uint64(n + 5)
	s.Refused, s.Limited, s.Requests = 2, 17, uint64(n*(n+1)/2)
	outsider := netip.MustParseAddrPort("10.78.0.5:40112")
	s.Recent = []service.ClassNote{
		{At: t0.Add(8 * time.Minute), Kind: service.NoteRefused, FD: 9, Remote: outsider, Why: "not in --allow"},
		{At: t0.Add(8*time.Minute + time.Second), Kind: service.NoteArrived, FD: 10 + n - 1, Remote: s.Lanes[n-1].Remote},
		{At: t0.Add(9 * time.Minute), Kind: service.NoteLeft, FD: 10 + n - 3, Remote: s.Lanes[n-3].Remote, Why: "the client closed (recv returned 0)"},
		{At: t0.Add(9 * time.Minute), Kind: service.NoteLeft, FD: 10 + n - 1, Remote: s.Lanes[n-1].Remote, Why: "the client sent quit (answered bye)"},
	}
	return s
}

// fixtureClassModel is socklab class showing fixtureClassSnap(n), with no
// server behind it.
func fixtureClassModel(theme theme.Theme, w, h, n int) *Model {
	m := NewModel(Options{Theme: theme, Class: &ClassOptions{
		Reach: []netip.Addr{netip.MustParseAddr("10.77.0.1"), netip.MustParseAddr("192.168.1.20")}}})
	m.inited[0] = true
	m.Update(tea_WindowSize(w, h))
	m.Update(classSnapMsg{to: 0, snap: fixtureClassSnap(n)})
	return m
}

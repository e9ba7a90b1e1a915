package ui

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/feed"
	"github.com/socklab/socklab/ui/theme"
)

// fullModel is the calculator pane with a full history of request/reply
// traffic from 8 clients, at 200x60.
func fullModel(b *testing.B) *Model {
	m := fixtureModel(theme.ThemeDark, 200, 60)
	p := m.panes[common.PaneCalc].(*labPane)
	p.feed.Add(floodEvents(feed.HistoryCap * 2))
	return m
}

func floodEvents(n int) []event.Event {
	srv := netip.MustParseAddrPort("127.0.0.1:1081")
	evs := make([]event.Event, 0, n)
	for i := range n {
		c := netip.AddrPortFrom(srv.Addr(), uint16(40000+i%8))
		e := event.Event{Seq: uint64(100 + i), Kind: event.KindCall, FD: 10 + i%8, Local: srv, Remote: c,
			State: event.StateEstablished, Result: 6, Data: []byte("2+3*4\n"),
			Segs: event.Segs{Valid: true, Out: uint64(i), In: uint64(i)}} // TCP_INFO, read with every call
		switch i % 4 {
		case 0:
			e.Actor, e.Op, e.Role = fmt.Sprintf("client %d", 1+i%8), event.OpSend, event.RoleClient
		case 1:
			e.Actor, e.Op, e.Role = "server", event.OpRecv, event.RoleConn
		case 2:
			e.Actor, e.Op, e.Role, e.Data, e.Result = "server", event.OpSend, event.RoleConn, []byte("14\n"), 3
		case 3:
			e.Actor, e.Op, e.Role, e.Data, e.Result = fmt.Sprintf("client %d", 1+i%8), event.OpRecv, event.RoleClient, []byte("14\n"), 3
		}
		evs = append(evs, e)
	}
	return evs
}

// BenchmarkViewBusiestPane is one frame of the calculator pane at 200x60
// with a full history.
func BenchmarkViewBusiestPane(b *testing.B) {
	m := fullModel(b)
	defer m.Close()
	b.ReportAllocs()
	for b.Loop() {
		_ = m.render()
	}
}

// BenchmarkFeedMerge is how many events a second the UI side can take in
// (batches of 512, as a flood delivers them).
func BenchmarkFeedMerge(b *testing.B) {
	evs := floodEvents(512)
	f := &feed.Feed{}
	b.ReportAllocs()
	for b.Loop() {
		f.Add(evs)
	}
	b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkViewBusiestPaneNewEvent is BenchmarkViewBusiestPane with one new
// event in every frame: what the caches save when the history moves (the
// plan and transcript are drawn again, the rows still on screen are not).
func BenchmarkViewBusiestPaneNewEvent(b *testing.B) {
	m := fullModel(b)
	defer m.Close()
	p := m.panes[common.PaneCalc].(*labPane)
	more := floodEvents(feed.HistoryCap * 2)
	seq := p.feed.History[len(p.feed.History)-1].Seq
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e := more[i%len(more)]
		seq++
		e.Seq = seq
		p.feed.Add([]event.Event{e})
		_ = m.render()
		i++
	}
}

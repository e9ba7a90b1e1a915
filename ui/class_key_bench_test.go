package ui

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/service"
)

// BenchmarkClassKeyUnderLoad is a key under a full classroom: 1000 real
// clients (5 each from 200 loopback addresses, every one sending a
// request each 200 ms) on a real class server, the class pane following
// it at 120x36. Each round times two keys from the key message to the
// frame that shows its effect:
//
//   - ms/move: ↓ moves the selection (Update + View).
//   - ms/detail: enter opens the selected student's detail: Update, the
//     look the pane asks for (Snapshot of every lane and the student's
//     calls), Update with it, and View.
//
// Between rounds the snapshots the pane's own watch took are taken in, as
// the runtime would. Speeds are reported, never asserted.
func BenchmarkClassKeyUnderLoad(b *testing.B) {
	const students, perStudent = 200, 5
	n := students * perStudent
	cls := startClassServer(b, service.ClassConfig{Server: service.ServerConfig{Service: service.Calc, Rate: 20, MaxClients: n + 10}})
	addr := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{127, 0, 1, byte(1 + i%students)}) }

	conns := dialClassClients(b, cls, n, addr)
	var got clientTally
	var wg sync.WaitGroup
	stop := make(chan struct{})
	pollClass(conns, func(int) bool { return false }, stop, &wg, &got)
	b.Cleanup(func() { close(stop); wg.Wait() })

	p := newPump(b, Options{Class: &ClassOptions{Server: cls}}, 120, 36)
	p.waitScreen(fmt.Sprintf("%d connected · %d total", n, n))
	looks := 0
	drain := func() {
		for {
			select {
			case msg := <-p.msgs:
				if _, ok := msg.(classSnapMsg); ok {
					looks++
				}
				p.update(msg)
			default:
				return
			}
		}
	}
	pane := p.m.panes[0].(*classPane)
	keys := []tea.KeyPressMsg{{Code: tea.KeyDown}, {Code: tea.KeyUp}}
	var move, detail time.Duration
	rounds := 0
	for b.Loop() {
		drain()

		t0 := time.Now()
		p.m.Update(keys[rounds%2])
		frame := p.m.render()
		move += time.Since(t0)
		sel := pane.sel
		if !sel.IsValid() || !strings.Contains(ansi.Strip(frame), sel.String()+" ") {
			b.Fatalf("the selected student %s is not on the frame:\n%s", sel, ansi.Strip(frame))
		}

		t1 := time.Now()
		_, cmd := p.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		if cmd == nil {
			b.Fatal("enter asked for no look")
		}
		msg := cmd()
		if _, ok := msg.(classSnapMsg); !ok {
			b.Fatalf("enter's command gave %T, want a class snapshot", msg)
		}
		_, next := p.m.Update(msg)
		frame = p.m.render()
		detail += time.Since(t1)
		p.run(next)
		if want := "STUDENT " + sel.String(); !strings.Contains(ansi.Strip(frame), want) || len(pane.detailEvs) == 0 {
			b.Fatalf("after enter: %q on screen %v, %d calls read; screen:\n%s", want, strings.Contains(ansi.Strip(frame), want), len(pane.detailEvs), ansi.Strip(frame))
		}
		p.m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
		rounds++
	}
	b.Logf("%d rounds, %d looks taken in by the watch", rounds, looks)
	b.ReportMetric(float64(move.Microseconds())/1000/float64(rounds), "ms/move")
	b.ReportMetric(float64(detail.Microseconds())/1000/float64(rounds), "ms/detail")
	if e := got.errs.Load(); e > 0 {
		b.Fatalf("%d requests failed, were limited or got a wrong reply under the benchmark", e)
	}
}

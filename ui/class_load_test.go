package ui

import (
	"bufio"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/internal/testrun"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui/theme"
)

// TestClassThousandClients puts 1000 students (200 under the race
// detector) on a real class server, each sending a request every 200 ms
// and two of them flooding, while the class view follows, until every
// polite student has had 3 requests answered on average and the flooders
// were limited (a fixed 3 s proved no more: a view that looks once per
// change, or one rate limit shared by all, fails well within that). It checks that the view summarises them, that it took at most
// one snapshot per frame (never one message per request), that the
// flooders were limited while the others were all answered, and that
// memory stays bounded. It logs the model's Update+View time per key and
// the cost of a snapshot (speeds are reported, not asserted).
func TestClassThousandClients(t *testing.T) {
	if testing.Short() {
		t.Skip("load test; -short skips it")
	}
	// It reads the live heap: in a process of its own, so the heap it
	// bounds is this test's alone; started at once, beside the other tests
	// (it is the package's longest).
	if testrun.AloneAtOnce(t) {
		return
	}
	n := 1000
	if raceOn {
		n = 200
	}
	cls := startClassServer(t, service.ClassConfig{Server: service.ServerConfig{Service: service.Calc, Rate: 20, MaxClients: n + 10}})
	p := newPump(t, Options{Class: &ClassOptions{Server: cls}}, 80, 24)

	conns := dialClassClients(t, cls, n, nil)
	var got clientTally
	var wg sync.WaitGroup
	stop := make(chan struct{})
	pollClass(conns, func(i int) bool { return i < 2 }, stop, &wg, &got)

	start := time.Now()
	snaps := 0
	polite := uint64(n - 2)
	busy := func() bool { return got.polite.Load() < 3*polite || got.limited.Load() == 0 }
	deadline := time.After(time.Minute) // a bound on a wait, not a speed: an answer takes milliseconds
	var ms runtime.MemStats
	var heapMax uint64
	for busy() && got.errs.Load() == 0 {
		select {
		case msg := <-p.msgs:
			if _, ok := msg.(classSnapMsg); ok {
				snaps++
			}
			p.update(msg)
		case <-deadline:
			t.Fatalf("after a minute: %d polite answers (want %d), %d limited, %d errors", got.polite.Load(), 3*polite, got.limited.Load(), got.errs.Load())
		}
	}
	elapsed := time.Since(start)
	// The live heap, after a collection: HeapAlloc alone also counts the
	// garbage of the tests before this one not yet collected, which put a
	// race run 1 MB over the bound once.
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heapMax = ms.HeapAlloc
	want := fmt.Sprintf("%d connected · %d total", n, n)
	p.waitScreen(want)

	// Keys while the room is busy: Update+View per key.
	keys := []tea.KeyPressMsg{{Code: tea.KeyUp}, {Code: tea.KeyPgUp}, {Code: tea.KeyDown}, {Code: tea.KeyHome}, {Code: tea.KeyEnd}}
	const presses = 500
	kstart := time.Now()
	for i := range presses {
		p.update(keys[i%len(keys)])
		_ = p.m.render()
	}
	perKey := time.Since(kstart) / presses
	sstart := time.Now()
	snap := cls.Snapshot()
	snapCost := time.Since(sstart)

	close(stop)
	wg.Wait()

	if len(snap.Lanes) != n || snap.Connected != n {
		t.Fatalf("snapshot: %d lanes, %d connected; want %d", len(snap.Lanes), snap.Connected, n)
	}
	// One look per frame at most: never a message per request.
	if most := int(elapsed/classFrame) + 2; snaps > most {
		t.Errorf("%d snapshots in %v: more than one per %v frame", snaps, elapsed, classFrame)
	}
	if got.errs.Load() != 0 {
		t.Errorf("%d polite requests failed or were limited", got.errs.Load())
	}
	if got.limited.Load() == 0 {
		t.Error("the flooders were never limited")
	}
	// Bounded: the lanes keep 128 bytes of text each, the sockets a 1 KiB
	// buffer; 64 KiB a client is far above what they should need.
	if limit := uint64(n) * 64 << 10; heapMax > limit {
		t.Errorf("heap %d MB with %d clients, above %d MB", heapMax>>20, n, limit>>20)
	}
	t.Logf("%d clients, %v: %d requests answered (%.0f/s), %d limited; %d snapshots (%.1f/s); Update+View per key %v; Snapshot of %d lanes %v; heap %.1f MB",
		n, elapsed.Round(time.Millisecond), got.answered.Load(), float64(got.answered.Load())/elapsed.Seconds(), got.limited.Load(),
		snaps, float64(snaps)/elapsed.Seconds(), perKey, n, snapCost, float64(heapMax)/(1<<20))
}

// dialClassClients connects n clients to cls, client i from addr(i) (nil:
// all from the kernel's choice); they are closed when the test ends.
func dialClassClients(tb testing.TB, cls *service.Class, n int, addr func(i int) netip.Addr) []net.Conn {
	tb.Helper()
	conns := make([]net.Conn, 0, n)
	tb.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := range n {
		var d net.Dialer
		if addr != nil {
			d.LocalAddr = net.TCPAddrFromAddrPort(netip.AddrPortFrom(addr(i), 0))
		}
		c, err := d.Dial("tcp", cls.Addr().String())
		if err != nil {
			tb.Fatalf("client %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	return conns
}

// clientTally counts what the clients of pollClass got back.
type clientTally struct {
	answered, limited atomic.Uint64
	polite            atomic.Uint64 // answers to the clients that do not flood
	errs              atomic.Uint64 // wrong replies, failures, a polite client limited
}

// pollClass runs every client until stop closes: client i sends "i+k"
// every 200 ms (as fast as the replies come when flood(i)) and checks the
// reply. wg is done when they all have stopped.
func pollClass(conns []net.Conn, flood func(i int) bool, stop <-chan struct{}, wg *sync.WaitGroup, got *clientTally) {
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := bufio.NewReader(c)
			flood := flood(i)
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				if !flood {
					time.Sleep(200 * time.Millisecond)
				}
				c.SetDeadline(time.Now().Add(10 * time.Second))
				fmt.Fprintf(c, "%d+%d\n", i, k)
				line, err := r.ReadString('\n')
				switch {
				case err != nil:
					got.errs.Add(1)
					return
				case strings.HasPrefix(line, "error: rate limit"):
					got.limited.Add(1)
					if !flood {
						got.errs.Add(1) // a polite client must never be limited
					}
				case line == fmt.Sprintf("%d\n", i+k):
					got.answered.Add(1)
					if !flood {
						got.polite.Add(1)
					}
				default:
					got.errs.Add(1)
				}
			}
		}()
	}
}

// BenchmarkClassKey1000 is one key press and one frame of the class view
// with 1000 students (a fixture snapshot: the view's own cost).
func BenchmarkClassKey1000(b *testing.B) {
	m := fixtureClassModel(theme.ThemeDark, 80, 24, 1000)
	defer m.Close()
	keys := []tea.KeyPressMsg{{Code: tea.KeyUp}, {Code: tea.KeyPgUp}, {Code: tea.KeyDown}, {Code: tea.KeyEnd}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(keys[i%len(keys)])
		_ = m.render()
		i++
	}
}

// BenchmarkClassSnapshotMsg1000 is taking in a new snapshot of 1000
// students and drawing it at 120x36.
func BenchmarkClassSnapshotMsg1000(b *testing.B) {
	m := fixtureClassModel(theme.ThemeDark, 120, 36, 1000)
	defer m.Close()
	snap := fixtureClassSnap(1000)
	b.ReportAllocs()
	for b.Loop() {
		m.Update(classSnapMsg{to: 0, snap: snap})
		_ = m.render()
	}
}

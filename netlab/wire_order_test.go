//go:build linux

package netlab

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/socklab/socklab/internal/testrun"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/wire"
)

// wireOrderNetnsEnv marks the copy of the test binary that runs
// TestWireCauseBeforeEffect in a network of its own.
const wireOrderNetnsEnv = "SOCKLAB_TEST_WIRE_ORDER_NETNS"

// TestWireCauseBeforeEffect runs echo round trips with the wire on and
// reads the log as the screen does: a segment linked to a call comes after
// that call's event; the SYN-ACK a connect waited for comes before the
// connect's return; bytes a recv returned crossed the wire before it.
//
// It runs in a private user and network namespace (a copy of this test
// binary, as socklab itself does): on the host's lo, as root, every other
// test's loopback traffic reaches the capture too, and under -race made it
// drop frames. A run that drops frames fails as such, never as an order.
func TestWireCauseBeforeEffect(t *testing.T) {
	if os.Getenv(wireOrderNetnsEnv) == "" {
		// The copy is a process of its own, started before this test is
		// paused as parallel (then this one only waits): Go gives the paused
		// tests their places in the scheduler's order, and the copy, one of
		// the package's two longest, could start when the rest had ended.
		args := []string{"-test.run=^TestWireCauseBeforeEffect$", "-test.count=1", "-test.v=true", "-test.timeout=5m"}
		if testing.Short() {
			args = append(args, "-test.short=true")
		}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), wireOrderNetnsEnv+"=1")
		testrun.InPrivateNetwork(cmd, unix.CAP_NET_ADMIN, unix.CAP_NET_RAW)
		out, err := testrun.ParallelChild(t, cmd) // without a namespace, the checks below run beside the other tests
		if _, ran := err.(*exec.ExitError); err != nil && !ran {
			// No namespace here (user namespaces refused): the host's lo,
			// where the drop check below still keeps the verdict honest.
			t.Logf("no private network (%v): checking on the host's lo", err)
		} else {
			if err != nil {
				t.Fatalf("in a private network: %v\n%s", err, out)
			}
			t.Logf("in a private network:\n%s", out)
			return
		}
	} else if err := wire.LoopbackUp(); err != nil {
		t.Fatalf("private network: %v", err)
	}
	// The two readers side by side, a lab and a capture each: each lab's
	// linker keeps only its own sockets' segments, and in the private
	// network the only other frames on lo are the other reader's few
	// hundred.
	t.Run("ring", func(t *testing.T) { t.Parallel(); checkWireOrder(t, true) })
	t.Run("recvmsg", func(t *testing.T) { t.Parallel(); checkWireOrder(t, false) })
}

func checkWireOrder(t *testing.T, ring bool) {
	read := wire.ReadRecvmsg
	if ring {
		read = wire.ReadRing
	}
	lab := NewLab(LabConfig{History: 1 << 16, Wire: WireConfig{Capture: true, Off: "test", Read: read}})
	defer lab.Close()
	if !lab.WireOn() {
		t.Skipf("no capture here: %s", lab.Wire())
	}
	if got := lab.capture.Reading() == wire.ReadRing; got != ring {
		t.Fatalf("capture with a ring: %v, want %v", got, ring)
	}
	sub := lab.Log.Subscribe(1 << 16)
	defer sub.Close()
	base := lab.Log.Len() // the wire's status note came before the subscription
	var (
		events []event.Event
		seen   atomic.Uint64 // what the waiting goroutine may read
	)
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer close(done)
		for {
			evs, err := sub.Next(ctx, 4096)
			if err != nil {
				return
			}
			events = append(events, evs...)
			seen.Add(uint64(len(evs)))
		}
	}()
	if err := lab.StartServer(service.ServerConfig{Service: service.Echo, Addr: loop4}); err != nil {
		t.Fatal(err)
	}
	// 50 round trips (650 recvs, 200 segments) are enough: with segments
	// placed at the moment they are read instead of their kernel timestamp,
	// both readers fail on every run at 100 trips, and at 50 (ten runs of
	// each mutation, stop 25).
	trips := 50
	echoRoundTrips(t, lab, 4, trips, 7)
	// Read before Close: a closed capture reads no more counters. (The
	// closes' segments carry no bytes a check below counts on.)
	w := lab.Wire()
	lab.Close()
	waitFor(t, "every event read", func() bool { return seen.Load() >= lab.Log.Len()-base })
	cancel()
	<-done
	if sub.Dropped() != 0 {
		t.Fatalf("the subscription dropped %d events", sub.Dropped())
	}
	if w.Dropped != 0 {
		t.Fatalf("capture dropped %d frames (of %d read): the order cannot be judged without them", w.Dropped, w.Read)
	}

	j := newOrderJudge()
	for i, e := range events {
		if err := j.judge(i, e); err != nil {
			t.Fatal(err)
		}
	}
	packets, linked, recvs := j.packets, j.linked, j.recvs
	if packets == 0 || linked == 0 || recvs < trips {
		t.Fatalf("too little to judge: %d segments (%d linked to calls), %d recvs", packets, linked, recvs)
	}
	t.Logf("%d segments, %d linked to their calls, %d recvs: every effect below its cause", packets, linked, recvs)
}

// orderJudge reads a log top to bottom and says where an effect is drawn
// above its cause: a segment linked to a call not yet above it, a connect
// returned above its SYN-ACK, a recv returning bytes not yet arrived.
type orderJudge struct {
	callAt                 map[event.CallID]int   // a call's returned (or blocked) event's index
	dataIn                 map[netip.AddrPort]int // bytes seen arriving at each address so far
	synAck                 map[netip.AddrPort]bool
	packets, linked, recvs int
}

func newOrderJudge() *orderJudge {
	return &orderJudge{callAt: map[event.CallID]int{}, dataIn: map[netip.AddrPort]int{}, synAck: map[netip.AddrPort]bool{}}
}

// judge takes event i, the next in the log.
func (j *orderJudge) judge(i int, e event.Event) error {
	switch e.Kind {
	case event.KindPacket:
		return j.packet(i, e)
	case event.KindCall, event.KindBlocked:
		j.callAt[e.CallID] = i
		if e.Kind != event.KindCall || e.Failed() {
			return nil
		}
		return j.returned(i, e)
	}
	return nil
}

func (j *orderJudge) packet(i int, e event.Event) error {
	p := e.Pkt
	if p == nil {
		return fmt.Errorf("event %d: a packet event without its segment", i)
	}
	j.packets++
	if p.Cause != 0 {
		j.linked++
		if _, ok := j.callAt[p.Cause]; !ok {
			return fmt.Errorf("event %d: %s linked to call %d, which is not above it", i, e.String(), p.Cause)
		}
	}
	if p.Seg.Flags.Has(event.FlagSYN | event.FlagACK) {
		j.synAck[p.Seg.Dst] = true
	}
	j.dataIn[p.Seg.Dst] += p.Seg.Len
	return nil
}

// returned judges a call that succeeded against the segments above it.
func (j *orderJudge) returned(i int, e event.Event) error {
	switch {
	case e.Op == event.OpConnect && !j.synAck[e.Local]:
		return fmt.Errorf("event %d: %s returned above the SYN-ACK it waited for", i, e.String())
	case e.Op == event.OpRecv && e.Result > 0:
		j.recvs++
		if j.dataIn[e.Local] < e.Result {
			return fmt.Errorf("event %d: %s returned %d bytes, but only %d had crossed to %s above it", i, e.String(), e.Result, j.dataIn[e.Local], e.Local)
		}
		j.dataIn[e.Local] -= e.Result
	}
	return nil
}

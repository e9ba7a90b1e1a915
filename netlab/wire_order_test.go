//go:build linux

package netlab

import (
	"context"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/socklab/socklab/netlab/wire"
)

// TestWireCauseBeforeEffect runs echo round trips with the wire on and
// reads the log as the screen does: a segment linked to a call comes after
// that call's event; the SYN-ACK a connect waited for comes before the
// connect's return; bytes a recv returned crossed the wire before it.
func TestWireCauseBeforeEffect(t *testing.T) {
	t.Run("ring", func(t *testing.T) { checkWireOrder(t, true) })
	t.Run("recvmsg", func(t *testing.T) { checkWireOrder(t, false) })
}

func checkWireOrder(t *testing.T, ring bool) {
	was := captureRing
	captureRing = ring
	defer func() { captureRing = was }()
	lab := NewLab(LabConfig{History: 1 << 16, Wire: WireConfig{Capture: true, Off: "test"}})
	defer lab.Close()
	if !lab.WireOn() {
		t.Skipf("no capture here: %s", lab.Wire())
	}
	if got := lab.capture.ring != nil; got != ring {
		t.Fatalf("capture with a ring: %v, want %v", got, ring)
	}
	sub := lab.Log.Subscribe(1 << 20)
	defer sub.Close()
	base := lab.Log.Len() // the wire's status note came before the subscription
	var (
		events []Event
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
	if err := lab.StartServer(ServerConfig{Service: Echo, Addr: loop4}); err != nil {
		t.Fatal(err)
	}
	trips := 400
	if testing.Short() {
		trips = 80
	}
	echoRoundTrips(t, lab, 4, trips, 7)
	lab.Close()
	waitFor(t, "every event read", func() bool { return seen.Load() >= lab.Log.Len()-base })
	cancel()
	<-done
	if sub.Dropped() != 0 {
		t.Fatalf("the subscription dropped %d events", sub.Dropped())
	}

	callAt := map[CallID]int{}         // a call's returned (or blocked) event's index
	dataIn := map[netip.AddrPort]int{} // bytes seen arriving at each address so far
	synAck := map[netip.AddrPort]bool{}
	packets, linked, recvs := 0, 0, 0
	for i, e := range events {
		switch e.Kind {
		case KindPacket:
			p := e.Pkt
			if p == nil {
				t.Fatalf("event %d: a packet event without its segment", i)
			}
			packets++
			if p.Cause != 0 {
				linked++
				if _, ok := callAt[p.Cause]; !ok {
					t.Fatalf("event %d: %s linked to call %d, which is not above it", i, e.String(), p.Cause)
				}
			}
			if p.Seg.Flags.Has(wire.FlagSYN | wire.FlagACK) {
				synAck[p.Seg.Dst] = true
			}
			dataIn[p.Seg.Dst] += p.Seg.Len
		case KindCall, KindBlocked:
			callAt[e.CallID] = i
			if e.Kind != KindCall || e.Failed() {
				continue
			}
			switch {
			case e.Op == OpConnect && !synAck[e.Local]:
				t.Fatalf("event %d: %s returned above the SYN-ACK it waited for", i, e.String())
			case e.Op == OpRecv && e.Result > 0:
				recvs++
				if dataIn[e.Local] < e.Result {
					t.Fatalf("event %d: %s returned %d bytes, but only %d had crossed to %s above it", i, e.String(), e.Result, dataIn[e.Local], e.Local)
				}
				dataIn[e.Local] -= e.Result
			}
		}
	}
	if packets == 0 || linked == 0 || recvs < trips {
		t.Fatalf("too little to judge: %d segments (%d linked to calls), %d recvs", packets, linked, recvs)
	}
	t.Logf("%d segments, %d linked to their calls, %d recvs: every effect below its cause", packets, linked, recvs)
}

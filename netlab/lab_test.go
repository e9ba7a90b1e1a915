package netlab

import (
	"context"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/internal/testkit"
	"github.com/socklab/socklab/netlab/service"
)

// waitFor is testkit.For, under the name the tests here grew up with.
var waitFor = testkit.For

var loop4 = testkit.Loop4

func hasEvent(l *Lab, pred func(event.Event) bool) bool {
	for _, e := range l.Log.Events() {
		if pred(e) {
			return true
		}
	}
	return false
}

func TestLabRunModeCalc(t *testing.T) {
	t.Parallel()
	lab := NewLab(LabConfig{})
	defer lab.Close()
	if err := lab.StartServer(service.ServerConfig{Service: service.Calc, Addr: loop4}); err != nil {
		t.Fatal(err)
	}
	addr, err := lab.ServerAddr(context.Background())
	if err != nil || addr.Port() == 0 {
		t.Fatalf("server addr %v %v", addr, err)
	}
	c, _ := lab.AddClient(service.Calc)
	if err := c.Send([]byte("2+3*4")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "reply 14", func() bool {
		return hasEvent(lab, func(e event.Event) bool {
			return e.Actor == "client 1" && e.Op == event.OpRecv && string(e.Data) == "14\n"
		})
	})
	snap := lab.Snapshot()
	var listener, accepted, client bool
	for _, s := range snap {
		listener = listener || (s.Actor == "server" && s.Listening && s.Local == addr)
		accepted = accepted || (s.Accepted && s.State == event.StateEstablished)
		client = client || (s.Actor == "client 1" && s.State == event.StateEstablished && s.Remote == addr)
	}
	if !listener || !accepted || !client {
		t.Fatalf("snapshot %+v", snap)
	}
}

func TestLabStepMode(t *testing.T) {
	t.Parallel()
	lab := NewLab(LabConfig{Step: true})
	defer lab.Close()
	lab.StartServer(service.ServerConfig{Service: service.Echo, Addr: loop4})
	waitFor(t, "socket() pending", func() bool { return len(lab.Pending()) == 1 })
	if p := lab.Pending()[0]; p.Op != event.OpSocket || p.Actor != "server" {
		t.Fatalf("pending %+v", p)
	}
	// The call is pending before its event reaches the log (one run in
	// twenty-six of the suite read the log in between).
	waitFor(t, "the pending event", func() bool {
		return hasEvent(lab, func(e event.Event) bool { return e.Kind == event.KindPending && e.Op == event.OpSocket })
	})
	// socket, setsockopt, bind, listen, then accept blocks in the kernel.
	for _, want := range []string{"socket", "setsockopt", "bind", "listen", "accept"} {
		waitFor(t, want+" pending", func() bool { return len(lab.Pending()) == 1 })
		if c, _ := lab.Step(); c.Op.String() != want {
			t.Fatalf("stepped %q, want %q", c.Op, want)
		}
	}
	waitFor(t, "accept blocked", func() bool {
		b := lab.Blocked()
		return len(b) == 1 && b[0].Op == event.OpAccept
	})
	lab.AddClient(service.Echo)
	for _, want := range []string{"socket", "connect"} {
		waitFor(t, want+" pending", func() bool { return len(lab.Pending()) == 1 })
		if want == "connect" {
			// The waiting connect's event carries the address it will ask
			// for (drawn "connect(3, :0)" when it did not).
			srv, err := lab.ServerAddr(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the pending connect's event", func() bool {
				return hasEvent(lab, func(e event.Event) bool { return e.Kind == event.KindPending && e.Op == event.OpConnect })
			})
			if !hasEvent(lab, func(e event.Event) bool {
				return e.Kind == event.KindPending && e.Op == event.OpConnect && e.Args.Addr == srv
			}) {
				t.Fatalf("the pending connect's event has not the server's address %s", srv)
			}
		}
		if c, _ := lab.Step(); c.Op.String() != want || c.Actor != "client 1" {
			t.Fatalf("stepped %+v, want client's %q", c, want)
		}
	}
	waitFor(t, "accept done", func() bool {
		return hasEvent(lab, func(e event.Event) bool { return e.Op == event.OpAccept && e.Kind == event.KindCall })
	})
	if len(lab.Blocked()) != 0 && lab.Blocked()[0].Op == event.OpAccept {
		t.Fatalf("accept still blocked: %v", lab.Blocked())
	}
}

func TestLabCloseWithPendingCalls(t *testing.T) {
	t.Parallel()
	lab := NewLab(LabConfig{Step: true})
	lab.StartServer(service.ServerConfig{Service: service.Calc, Addr: loop4})
	lab.AddClient(service.Calc)
	waitFor(t, "pending", func() bool { return len(lab.Pending()) >= 1 })
	lab.Close() // must not hang on the gate
	var lines []string
	for _, e := range lab.Log.Events() {
		lines = append(lines, e.String())
	}
	if !strings.Contains(strings.Join(lines, "\n"), "socket(") {
		t.Fatalf("events: %s", lines)
	}
}

// TestLabClosesItsCaptureAfterTheLastRead: the sequencer reads the capture
// without its lock (wire.Capture.DrainSerial), so Close must stop the
// sequencer reading it before the capture is closed and its ring unmapped.
// Reports keep coming while the lab closes; the race detector (CI's -race
// run), or a read of the unmapped ring, fails the test when they overlap.
func TestLabClosesItsCaptureAfterTheLastRead(t *testing.T) {
	t.Parallel()
	for range 5 {
		lab := NewLab(LabConfig{Wire: WireConfig{Capture: true, Off: "test"}})
		if !lab.WireOn() {
			lab.Close()
			t.Skipf("no capture here: %s", lab.Wire())
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; i < 2000; i++ {
				lab.Emit(event.Event{Kind: event.KindNote, Actor: "test", FD: -1, Note: "still reporting"})
			}
		}()
		lab.Close()
		<-done
	}
}

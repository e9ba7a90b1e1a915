package lessons

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// TestActionTableComplete: every action says how it runs in exactly one
// way, and a call on a socket names the system call its outcome follows
// (the outcome would otherwise file none of its events).
func TestActionTableComplete(t *testing.T) {
	parallel(t, rankOther)
	for op, spec := range actionSpecs {
		n := 0
		for _, set := range []bool{spec.run != nil, spec.sock != nil, spec.read != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d of run, sock and read set, want exactly 1", op, n)
		}
		if spec.sock != nil && spec.call == event.OpNone {
			t.Errorf("%s: a call on the socket with no system call named", op)
		}
		if strings.Contains(spec.args, "ADDR") != (spec.addr != noAddr) {
			t.Errorf("%s: args %q but addr use %d", op, spec.args, spec.addr)
		}
		if spec.creates && spec.run == nil {
			t.Errorf("%s: creates its actor but runs as a call on the actor's socket", op)
		}
	}
}

// TestCloseEndsBlockedCall: close is made at once, not after the actor's
// blocked accept (which would never return): that is how a lesson ends a
// blocked call.
func TestCloseEndsBlockedCall(t *testing.T) {
	parallel(t, rankOther) // a lab of its own, ports chosen by the kernel
	// A short wait limit: a close made in turn would fail after it rather
	// than after the default 10s.
	wantFirstStepHeld(t, "server.socket tcp\nserver.bind 127.0.0.1:0\nserver.listen 1\nconn = server.accept\nserver.close\n"+
		"expect server.close.ok\n", Options{WaitLimit: time.Second}, nil)
}

// wantFirstStepHeld plays the lab block lab as a lesson's only step (after
// prepare, when not nil, has seen the run) and fails t for each
// expectation that did not hold.
func wantFirstStepHeld(t *testing.T, lab string, opts Options, prepare func(*Run)) {
	t.Helper()
	l, err := Parse("test.md", []byte("# One step\n\n## The step\n\n```lab\n"+lab+"```\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := Start(l, opts)
	defer r.Close()
	if prepare != nil {
		prepare(r)
	}
	res, err := r.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Expects {
		if !v.Held {
			t.Errorf("expect %s: %v %v", v.Expect.Src, v.Values, v.Err)
		}
	}
}

// TestSilentActionsHaveNoFields: wait and idle record no call, so a rule
// may not ask what they returned.
func TestSilentActionsHaveNoFields(t *testing.T) {
	parallel(t, rankOther)
	for _, op := range []string{"wait", "idle 10ms"} {
		name := strings.Fields(op)[0]
		src := "# Silent\n\n## Ask a silent action\n\n```lab\nserver.socket tcp\nserver." + op + "\nexpect server." + name + ".ok\n```\n"
		_, err := Parse("test.md", []byte(src))
		if err == nil || !strings.Contains(err.Error(), `unknown call "`+name+`"`) {
			t.Errorf("a rule on %s: err %v, want unknown call %q", op, err, name)
		}
	}
}

// TestStepResultIsTheStepsEnd: a step's result is what the step ended
// with, the caller's to read while the next step runs (the UI draws it
// then): an accept blocked at the end of step 1 is still blocked in step
// 1's result after step 2 made it return. The run updated its outcomes in
// place, and the UI's reads raced the next step (go test -race, e2e).
func TestStepResultIsTheStepsEnd(t *testing.T) {
	parallel(t, rankOther) // a lab of its own, ports chosen by the kernel
	l, err := Parse("test.md", []byte("# Snapshot\n\n## Accept waits\n\n```lab\n"+
		"server.socket tcp\nserver.bind 127.0.0.1:0\nserver.listen 1\nconn = server.accept\n```\n\n"+
		"## A client comes\n\n```lab\nclient.socket tcp\nclient.connect server\nconn.wait 10s\n"+
		"expect conn.accept.ok\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := Start(l, Options{})
	defer r.Close()
	first, err := r.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	blocked := func() (bool, int) {
		for _, o := range first.Outcomes {
			if o.Action.Op == "accept" {
				return o.Blocked, len(o.Events)
			}
		}
		t.Fatal("no accept in step 1's result")
		return false, 0
	}
	wasBlocked, n := blocked()
	if !wasBlocked {
		t.Fatal("the accept is not blocked at the end of step 1")
	}
	// Read step 1's result all through step 2, as the UI's View does.
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			if b, m := blocked(); !b || m != n {
				t.Errorf("step 1's result changed while step 2 ran: blocked %v, %d events (was %d)", b, m, n)
				return
			}
			select {
			case <-time.After(time.Millisecond):
			case <-stop:
				return
			}
		}
	}()
	second, err := r.Next(ctx)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range second.Expects {
		if !v.Held {
			t.Errorf("expect %s: %v %v", v.Expect.Src, v.Values, v.Err)
		}
	}
	if b, m := blocked(); !b || m != n {
		t.Errorf("after step 2, step 1's result says blocked %v, %d events (was true, %d)", b, m, n)
	}
}

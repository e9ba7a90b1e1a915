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
	t.Parallel() // a lab of its own, ports chosen by the kernel
	l, err := Parse("test.md", []byte("# Close a blocked listener\n\n## Accept waits, close ends it\n\n```lab\n"+
		"server.socket tcp\nserver.bind 127.0.0.1:0\nserver.listen 1\nconn = server.accept\nserver.close\n"+
		"expect server.close.ok\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A short wait limit: a close made in turn would fail after it rather
	// than after the default 10s.
	r := Start(l, Options{WaitLimit: time.Second})
	defer r.Close()
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
	for _, op := range []string{"wait", "idle 10ms"} {
		name := strings.Fields(op)[0]
		src := "# Silent\n\n## Ask a silent action\n\n```lab\nserver.socket tcp\nserver." + op + "\nexpect server." + name + ".ok\n```\n"
		_, err := Parse("test.md", []byte(src))
		if err == nil || !strings.Contains(err.Error(), `unknown call "`+name+`"`) {
			t.Errorf("a rule on %s: err %v, want unknown call %q", op, err, name)
		}
	}
}

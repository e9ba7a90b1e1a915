package lessons

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// TestBuiltinLessonsPlay plays every built-in lesson to its end over real
// sockets; every expectation of every step must hold on this machine.
func TestBuiltinLessonsPlay(t *testing.T) {
	t.Parallel() // beside the wire's plays: each lesson has a lab of its own
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range slowFirst(ls) {
		l := ls[i]
		t.Run(l.ID, func(t *testing.T) {
			// Each lesson has a lab of its own; they wait on timers more than
			// they compute, so they play side by side.
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var out bytes.Buffer
			ok, err := Trace(ctx, &out, i+1, l, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !ok || testing.Verbose() {
				t.Log("\n" + out.String())
			}
			if !ok {
				t.Fatal("an expectation did not hold")
			}
		})
	}
}

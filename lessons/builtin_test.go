package lessons

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/wire"
)

// TestBuiltinLessonsPlay plays every built-in lesson to its end over real
// sockets twice, each play a subtest of its own: plain (plain/<id>, as
// `socklab trace` does), where every expectation of every step must hold
// on this machine; and with capture on (wire/<id>, as root on the host's
// lo; each lab keeps only its own segments), where every expectation
// holds and every prediction that only the wire can answer has exactly
// one choice that matches what was captured.
//
// Both kinds are one group, the slow lessons of both let in first by the
// package's gate (order_test.go): as two tests (this one and
// TestBuiltinLessonsOnTheWire), the second's lessons queued behind all of
// the first's, and its lesson 8 (a SYN sent again, ~2.3 s) started ~0.7 s
// late and ended the package.
func TestBuiltinLessonsPlay(t *testing.T) {
	t.Parallel() // beside the package's other tests: each lesson has a lab of its own
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	capture := true
	if c, err := wire.OpenCapture(); err != nil {
		capture = false
		t.Logf("cannot capture on lo here (%v): the wire plays are skipped; the unprivileged path is tested end to end as user nobody", err)
	} else {
		c.Close()
	}
	var wirePlays, wirePredictions atomic.Int64
	// The group returns when every play has ended.
	t.Run("lessons", func(t *testing.T) {
		for _, i := range slowFirst(ls) {
			l := ls[i]
			// Each lesson has a lab of its own; they wait on timers more than
			// they compute, so they play side by side.
			t.Run("plain/"+l.ID, func(t *testing.T) {
				parallel(t, lessonRank(l))
				playPlain(t, i, l)
			})
			t.Run("wire/"+l.ID, func(t *testing.T) {
				if !capture {
					t.Skip("cannot capture on lo here")
				}
				parallel(t, lessonRank(l)) // each lab's linker keeps only its own sockets' segments
				wirePlays.Add(1)
				wirePredictions.Add(playOnTheWire(t, l))
			})
		}
	})
	// Counted when every lesson was played on the wire (-run may pick a few).
	if n := wirePredictions.Load(); wirePlays.Load() == int64(len(ls)) && n < 6 {
		t.Errorf("%d predictions read the wire; the lessons have at least 6", n)
	}
}

// playPlain plays lesson l (number i+1) with Trace, capture off.
func playPlain(t *testing.T, i int, l *Lesson) {
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
}

// playOnTheWire plays lesson l step by step with capture on and returns
// how many of its predictions only the wire can answer.
func playOnTheWire(t *testing.T, l *Lesson) (wirePredictions int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := Start(l, Options{Wire: netlab.WireConfig{Capture: true}})
	defer r.Close()
	if !r.Lab.WireOn() {
		t.Fatalf("capture did not start: %s", r.Lab.Wire())
	}
	for i, st := range l.Steps {
		res, err := r.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Expects {
			if !v.Held || v.Skipped {
				t.Errorf("step %d: expect %s: held=%v skipped=%v (%s) %v", i+1, v.Expect.Src, v.Held, v.Skipped, v.Values, v.Err)
			}
		}
		if !st.NeedsWire() {
			continue
		}
		wirePredictions++
		n := 0
		for _, ok := range res.Choices {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("step %d %q: %d choices match what was captured, want 1 (%v %v)", i+1, st.Title, n, res.Choices, res.ChoiceErrs)
		}
	}
	return wirePredictions
}

package lessons

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/wire"
)

// TestBuiltinLessonsOnTheWire plays every built-in lesson with capture on
// (as root on the host's lo; each lab keeps only its own segments): every
// expectation holds, and every prediction that only the wire can answer has
// exactly one choice that matches what was captured.
func TestBuiltinLessonsOnTheWire(t *testing.T) {
	t.Parallel() // beside the plain plays: each lab's linker keeps only its own sockets' segments
	c, err := wire.OpenCapture()
	if err != nil {
		t.Skipf("cannot capture on lo here (%v); the unprivileged path is tested end to end as user nobody", err)
	}
	c.Close()
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var wirePredictions atomic.Int64
	// The lessons play side by side (each lab's linker keeps only its own
	// sockets' segments); the group returns when every one has ended.
	t.Run("lessons", func(t *testing.T) {
		for _, i := range slowFirst(ls) {
			l := ls[i]
			t.Run(l.ID, func(t *testing.T) {
				t.Parallel()
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
					wirePredictions.Add(1)
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
			})
		}
	})
	if n := wirePredictions.Load(); n < 6 {
		t.Errorf("%d predictions read the wire; the lessons have at least 6", n)
	}
}

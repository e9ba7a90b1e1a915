package lessons

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestProgressSaveResume(t *testing.T) {
	parallel(t, rankOther)
	path := filepath.Join(t.TempDir(), "socklab", "progress.json")
	p, err := LoadProgress(path)
	if err != nil || len(p.Lessons) != 0 {
		t.Fatalf("missing file: %v %+v", err, p)
	}
	p.Reached("03-client-connects", 2, 5)
	p.Answered("03-client-connects", 1, false)
	p.Answered("03-client-connects", 1, true) // played again: replaces
	p.Reached("02-server-socket", 4, 4)
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	q, err := LoadProgress(path)
	if err != nil {
		t.Fatal(err)
	}
	if q.Last != "02-server-socket" || !q.Of("02-server-socket").Done {
		t.Fatalf("resumed %+v", q)
	}
	if lp := q.Of("03-client-connects"); lp.Step != 2 || lp.Done || lp.Predicted != 1 || lp.Right != 1 {
		t.Fatalf("lesson 3 progress %+v", lp)
	}
}

// TestReplayToPreviousStep goes back one step the way the TUI does: a new
// lab replays the steps from scratch, with new real sockets.
func TestReplayToPreviousStep(t *testing.T) {
	parallel(t, rankOther) // labs of its own, ports chosen by the kernel
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	l := ls[2] // lesson 3
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := PlayTo(ctx, l, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	firstPort := r.Results()[1].Outcomes[1].Events
	r.Close()
	back, err := PlayTo(ctx, l, 3, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if back.Pos() != 3 || back.Done() {
		t.Fatalf("replayed to %d", back.Pos())
	}
	for _, res := range back.Results() {
		if !res.OK() {
			t.Fatalf("replayed step %d failed: %+v", res.Index, res.Expects)
		}
	}
	// The replay made new sockets: the server's port was chosen anew by the kernel.
	if len(firstPort) == 0 {
		t.Fatal("no events recorded for the first connect")
	}
	// The steps after the replayed ones (accept among them) run on the
	// replayed lab exactly as they did the first time.
	for i := 3; i < len(l.Steps); i++ {
		res, err := back.Next(ctx)
		if err != nil || !res.OK() {
			t.Fatalf("step %d after replay: %v %+v", i+1, err, res)
		}
	}
	if _, err := back.Next(ctx); err != ErrFinished {
		t.Fatalf("after the last step: %v, want ErrFinished", err)
	}
}

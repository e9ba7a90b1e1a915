package sock

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// TestEventHeapOrder pushes events at random moments, many of them equal,
// popping some along the way, and checks the heap gives them back by
// moment, then by arrival: the order the Sequencer releases in.
func TestEventHeapOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Unix(1_700_000_000, 0)
	var h eventHeap
	var want, got []queued
	tie := uint64(0)
	for round := 0; round < 50; round++ {
		for range r.IntN(40) {
			tie++
			q := queued{event.Event{At: base.Add(time.Duration(r.IntN(20)) * time.Microsecond)}, tie}
			h.push(&q.e, q.tie)
			want = append(want, q)
		}
		for range r.IntN(30) {
			if h.Len() == 0 {
				break
			}
			got = append(got, popQueued(&h))
		}
	}
	for h.Len() > 0 {
		got = append(got, popQueued(&h))
	}
	if len(got) != len(want) {
		t.Fatalf("popped %d events, pushed %d", len(got), len(want))
	}
	// Pops interleaved with pushes: each pop must be the least of what was
	// queued at that moment. Replay the same sequence against a sorted list.
	r = rand.New(rand.NewPCG(1, 2))
	var ref []queued
	i, tie := 0, uint64(0)
	for round := 0; round < 50; round++ {
		for range r.IntN(40) {
			tie++
			ref = append(ref, queued{event.Event{At: base.Add(time.Duration(r.IntN(20)) * time.Microsecond)}, tie})
		}
		slices.SortFunc(ref, func(a, b queued) int {
			if c := a.e.At.Compare(b.e.At); c != 0 {
				return c
			}
			return int(a.tie) - int(b.tie)
		})
		for range r.IntN(30) {
			if len(ref) == 0 {
				break
			}
			if got[i].tie != ref[0].tie {
				t.Fatalf("pop %d: event %d (at %v), want %d (at %v)", i, got[i].tie, got[i].e.At, ref[0].tie, ref[0].e.At)
			}
			ref, i = ref[1:], i+1
		}
	}
	for _, q := range ref {
		if got[i].tie != q.tie {
			t.Fatalf("pop %d: event %d, want %d", i, got[i].tie, q.tie)
		}
		i++
	}
}

type queued struct {
	e   event.Event
	tie uint64
}

func popQueued(h *eventHeap) queued {
	slot, tie := h.pop()
	q := queued{h.slots[slot], tie}
	h.free(slot)
	return q
}

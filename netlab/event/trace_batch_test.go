package event

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is an output the test reads while the writer may still write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTraceWriterBatchesKeepOrder: events emitted from several goroutines,
// across many batch windows, each come out once, as their encoder prints
// them, in each goroutine's order (batches are swapped, never mixed up).
func TestTraceWriterBatchesKeepOrder(t *testing.T) {
	for _, json := range []bool{false, true} {
		t.Run("json="+strconv.FormatBool(json), func(t *testing.T) {
			var out syncBuffer
			tw := newTraceWriter(&out, 1<<16, json)
			const actors, per = 4, 3000
			var wg sync.WaitGroup
			for a := range actors {
				wg.Go(func() {
					for i := range per {
						tw.Emit(Event{Kind: KindNote, Actor: "actor " + strconv.Itoa(a), FD: -1, Note: "n" + strconv.Itoa(i)})
					}
				})
			}
			wg.Wait()
			// Close gives the output CloseWait; a slow machine (-race,
			// shared cores) may need longer to format 12 000 lines, which
			// is not what this test is about.
			waitFor(t, "every line written", func() bool { return tw.written.Load() == actors*per })
			if err := tw.Close(); err != nil || tw.Lost() != 0 {
				t.Fatalf("Close = %v, Lost = %d", err, tw.Lost())
			}
			next := make([]int, actors)
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			for _, l := range lines {
				var a, i int
				found := false
				for cand := range actors {
					e := Event{Kind: KindNote, Actor: "actor " + strconv.Itoa(cand), FD: -1, Note: "n" + strconv.Itoa(next[cand])}
					want := string(e.AppendTo(nil))
					if json {
						want = string(e.AppendJSON(nil))
					}
					if l == want {
						a, i, found = cand, next[cand], true
						break
					}
				}
				if !found {
					t.Fatalf("line %q is no actor's next event (next: %v)", l, next)
				}
				if i != next[a] {
					t.Fatalf("actor %d: event %d, want %d", a, i, next[a])
				}
				next[a]++
			}
			for a, n := range next {
				if n != per {
					t.Fatalf("actor %d: %d lines, want %d", a, n, per)
				}
			}
		})
	}
}

// TestTraceWriterDropsReported: when the output is slow and the batch is
// full, the events dropped are counted, the trace says how many, and every
// event is either a line or in that count.
func TestTraceWriterDropsReported(t *testing.T) {
	for _, json := range []bool{false, true} {
		t.Run("json="+strconv.FormatBool(json), func(t *testing.T) {
			w := &stuckWriter{release: make(chan struct{}), entered: make(chan struct{})}
			var out syncBuffer
			tw := newTraceWriter(writerFunc(func(p []byte) (int, error) {
				w.Write(p)
				return out.Write(p)
			}), 8, json)
			tw.Emit(Event{Kind: KindNote, Note: "first", FD: -1})
			<-w.entered // the writer is in Write with the first line
			for range 30 {
				tw.Emit(Event{Kind: KindNote, Note: "more", FD: -1})
			}
			close(w.release)
			waitFor(t, "the batch and the drop count written", func() bool { return tw.written.Load() == 9 })
			if err := tw.Close(); err != nil {
				t.Fatalf("Close = %v", err)
			}
			if tw.Dropped() != 22 || tw.Lost() != 22 {
				t.Fatalf("Dropped = %d, Lost = %d; want 22 (30 emitted into a batch of 8)", tw.Dropped(), tw.Lost())
			}
			s := out.String()
			want := "[22 trace lines dropped: the output could not keep up]\n"
			if json {
				want = string(DroppedJSON(nil, 22)) + "\n"
			}
			if !strings.Contains(s, want) || strings.Count(s, "\n") != 1+8+1 {
				t.Fatalf("trace:\n%s\nwant 9 lines and %q", s, want)
			}
		})
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

package event

import (
	"runtime"
	"testing"
)

// TestLogKeepsTheNewest: the history grows as events come and, once it
// holds capacity events, lets the oldest go, in order, at every length
// around the growth steps.
func TestLogKeepsTheNewest(t *testing.T) {
	for _, capacity := range []int{1, 2, 16, 17, 100} {
		for _, emitted := range []int{0, 1, capacity - 1, capacity, capacity + 1, 3*capacity + 5} {
			l := NewLog(capacity)
			for range emitted {
				l.Emit(Event{})
			}
			got := l.Events()
			want := min(emitted, capacity)
			if len(got) != want {
				t.Fatalf("capacity %d, %d emitted: %d kept, want %d", capacity, emitted, len(got), want)
			}
			for i, e := range got {
				if wantSeq := uint64(emitted - want + i + 1); e.Seq != wantSeq {
					t.Fatalf("capacity %d, %d emitted: event %d is #%d, want #%d", capacity, emitted, i, e.Seq, wantSeq)
				}
			}
			if kept := l.Filter(func(*Event) bool { return true }); len(kept) != want {
				t.Fatalf("capacity %d, %d emitted: Filter kept %d, want %d", capacity, emitted, len(kept), want)
			}
		}
	}
}

// TestNewLogHoldsNoHistoryYet: a log made for 20 000 events (a lesson's)
// takes memory for the events that come, not for all it could keep.
// logSink keeps what NewLog returns alive, as a caller would.
var logSink *Log

func TestNewLogHoldsNoHistoryYet(t *testing.T) {
	// The bytes are the process's, and anything else running in it
	// counts too (CI's -race run once saw 5 704 bytes around one call):
	// over a hundred calls such a stray adds a few bytes to each, while a
	// history made ahead adds its 9 MB to every one.
	const calls = 100
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range calls {
		logSink = NewLog(20000)
	}
	runtime.ReadMemStats(&after)
	if bytes := (after.TotalAlloc - before.TotalAlloc) / calls; bytes > 4096 {
		t.Fatalf("NewLog(20000) allocated %d bytes a call", bytes)
	}
	l := NewLog(20000)
	l.Emit(Event{})
	if n := cap(l.ring); n > 64 {
		t.Fatalf("one event took room for %d", n)
	}
}

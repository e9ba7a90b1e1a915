//go:build unix

package bench

import (
	"os"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

func traceFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "trace-*.log")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func recvEvent() event.Event {
	return event.Event{Kind: event.KindCall, Actor: "server", Op: event.OpRecv, Text: "5, 1024, 0", FD: 5, Result: 64}
}

// TestCompareTraceHoldsTheCalls: a round's trace file passes only when it
// holds a recv and a send for every right reply, and the file is removed
// either way.
func TestCompareTraceHoldsTheCalls(t *testing.T) {
	for _, tc := range []struct {
		ok      uint64
		wantErr string
	}{{ok: 3}, {ok: 4, wantErr: "holds 7 lines for 4 replies"}} {
		f := traceFile(t)
		tw := NewTraceWriter(f)
		for range 7 {
			tw.Emit(recvEvent())
		}
		err := closeTrace(tw, f, &Result{OK: tc.ok})
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%d replies, 7 lines: got %v, want %q", tc.ok, err, tc.wantErr)
		}
		if _, serr := os.Stat(f.Name()); !os.IsNotExist(serr) {
			t.Errorf("the trace file is still there (%v)", serr)
		}
	}
}

// TestCompareTraceLostLines: a trace that dropped lines (its writer could
// not keep up) fails the round, whatever its line count.
func TestCompareTraceLostLines(t *testing.T) {
	f := traceFile(t)
	tw := event.NewTraceWriter(f, 1)
	// The writer takes its one-event batch only after its window: the
	// next events find the batch full and are dropped.
	for tw.Dropped() == 0 {
		tw.Emit(recvEvent())
	}
	err := closeTrace(tw, f, &Result{OK: 0})
	if err == nil || !strings.Contains(err.Error(), "lost") {
		t.Fatalf("got %v, want the lost lines", err)
	}
}

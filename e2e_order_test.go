//go:build unix

package main

import (
	"flag"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// The end-to-end tests take their turns here, not in Go's own queue of
// parallel tests: Go lets them go in an order of its scheduler's making
// (here the last tests of the last files first), so the longest ones
// (the class room, the flood, the IPv6 ladder) often started last and
// ended the package seconds after the rest, with the cores half idle.
// Here every test that asks (parallel) waits until all of them have been
// let go by Go, then they run longest first, e2eSlots at a time. Go's own
// limit is lifted (TestMain), so that no test waits in Go's queue before
// it can ask here: that would wait for ever.

// longestFirst names the tests that start before all others, in this
// order: the longest alone on this VM (wall, or the waits that hold them).
// The others follow in the order Go declared them.
var longestFirst = []string{
	"TestE2EFlood",
	"TestE2EClassRoom",
	"TestE2EServeBlockedStdoutEndsOnSignal",
	"TestE2ELadderCauseBeforeEffectIPv6",
	"TestE2EWireUnprivileged",
	"TestE2ELesson3",
	"TestE2EClassRoomHog",
	"TestE2ESignalsRestoreTerminal",
	"TestE2EConnectToPythonEcho",
	"TestE2EBigLessonFileCostsLittle",
	"TestE2EClassExercises",
}

// turns is the package's queue of end-to-end tests.
var turns = &queue{free: 8}

type queue struct {
	mu         sync.Mutex
	free       int // slots: how many more tests may run now
	registered int // tests that asked, before t.Parallel
	arrived    int // of those, how many Go has let go
	waiting    []*turn
}

type turn struct {
	rank  int // its place in longestFirst, or len(longestFirst)
	seq   int // the order it asked in: the order Go declared the tests
	ready chan struct{}
}

// e2eSlots reads -test.parallel, when the command line gave it, as how
// many end-to-end tests run at once (else n), and lifts Go's own limit.
func e2eSlots(n int) int {
	if !flag.Parsed() {
		flag.Parse()
	}
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.parallel" {
			if v, err := strconv.Atoi(f.Value.String()); err == nil && v > 0 {
				n = v
			}
		}
	})
	_ = flag.Set("test.parallel", "100000")
	return n
}

// parallel is t.Parallel for an end-to-end test: it returns when the
// test's turn has come, and the test gives its slot back when it ends.
func parallel(t *testing.T) {
	t.Helper()
	slot(t, started(t))
}

// started is the first half of parallel: t.Parallel, and counted as let
// go; it returns the test's place in the order of asking.
func started(t *testing.T) (seq int) {
	turns.mu.Lock()
	turns.registered++
	seq = turns.registered
	turns.mu.Unlock()
	t.Parallel()
	turns.mu.Lock()
	turns.arrived++
	turns.dispatch()
	turns.mu.Unlock()
	return seq
}

// slot is the second half: wait for a slot, longest first.
func slot(t *testing.T, seq int) {
	rank := slices.Index(longestFirst, t.Name())
	if rank < 0 {
		rank = len(longestFirst)
	}
	turns.mu.Lock()
	w := &turn{rank: rank, seq: seq, ready: make(chan struct{})}
	turns.waiting = append(turns.waiting, w)
	turns.dispatch()
	turns.mu.Unlock()
	<-w.ready
	t.Cleanup(func() {
		turns.mu.Lock()
		turns.free++
		turns.dispatch()
		turns.mu.Unlock()
	})
}

// dispatch lets waiting tests run while slots are free, once every test
// that asked has been let go by Go (so that the longest are among those
// waiting). It runs with mu held.
func (q *queue) dispatch() {
	if q.arrived < q.registered {
		return
	}
	slices.SortFunc(q.waiting, func(a, b *turn) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.seq - b.seq
	})
	for q.free > 0 && len(q.waiting) > 0 {
		close(q.waiting[0].ready)
		q.waiting = q.waiting[1:]
		q.free--
	}
}

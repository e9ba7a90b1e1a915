package lessons

import (
	"flag"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// slowIDs are the built-in lessons that wait on the kernel's timers: lesson
// 8 ~2.3 s for a SYN to be sent again, and more; 12 and 9 wait on timeouts
// too.
var slowIDs = []string{"08-many-clients", "12-security", "09-closing"}

// slowFirst orders the built-in lessons for the tests that play them side
// by side, a few at a time: the ones that wait on the kernel's timers
// first, so that the last to start is not also the longest. Queued behind
// the others, lesson 8 ended its test ~2 s after the rest.
func slowFirst(ls []*Lesson) []int {
	order := make([]int, 0, len(ls))
	for _, id := range slowIDs {
		if i := slices.IndexFunc(ls, func(l *Lesson) bool { return l.ID == id }); i >= 0 {
			order = append(order, i)
		}
	}
	for i, l := range ls {
		if !slices.Contains(slowIDs, l.ID) {
			order = append(order, i)
		}
	}
	return order
}

// maxAtOnce is how many of the package's parallel tests run at a time.
// The lesson plays wait on the kernel's timers far more than they compute,
// hence more than GOMAXPROCS; not many more: on 2 busy cores, 14 captured
// lessons at once starved a lesson's server past the engine's quiet time
// (30 ms) and a step ended before its reply (ui/lessonpane, 3 runs in 10).
const maxAtOnce = 6

// goParallel is the -test.parallel TestMain sets: more than the package
// has parallel tests, so that every one of them comes to the gate.
const goParallel = 64

// gate lets maxAtOnce parallel tests run at a time, the slow lessons'
// plays first, then in the order the tests were started. Go's own
// -test.parallel limit cannot order them: the parallel subtests of a
// group all wake at once when the group's body returns, and took the free
// places in the scheduler's order (the second lesson 8, of the plain and
// wire plays, started ~1 s after the first, behind a dozen short lessons,
// and ended the package).
var gate = &testGate{free: maxAtOnce}

type testGate struct {
	mu      sync.Mutex
	cond    *sync.Cond
	free    int
	started int
	tickets []*gateTicket // not yet let in, in no order
}

type gateTicket struct {
	rank, started int
}

// parallel is t.Parallel for the package's tests: it returns once the
// test may run, and gives its place back when the test ends. Lower ranks
// go first (see lessonRank), then the test started first: the ticket is
// taken before t.Parallel, while the tests of a group are still started
// one by one, and a place is kept for the best ticket even while its test
// is still in t.Parallel (Go lets it go on once the group's body has
// returned: -test.parallel is above the number of tests). Only for tests
// without parallel subtests: a place held while subtests wait for one
// could leave none to them. With a -test.parallel lower than goParallel
// on the command line, Go's limit is the only one.
func parallel(t *testing.T, rank int) {
	t.Helper()
	if f := flag.Lookup("test.parallel"); f == nil || f.Value.String() != strconv.Itoa(goParallel) {
		t.Parallel()
		return
	}
	g := gate
	g.mu.Lock()
	if g.cond == nil {
		g.cond = sync.NewCond(&g.mu)
	}
	tk := &gateTicket{rank: rank, started: g.started}
	g.started++
	g.tickets = append(g.tickets, tk)
	g.mu.Unlock()

	t.Parallel()

	g.mu.Lock()
	for g.free == 0 || g.best() != tk {
		g.cond.Wait()
	}
	g.free--
	g.tickets = slices.DeleteFunc(g.tickets, func(o *gateTicket) bool { return o == tk })
	g.cond.Broadcast()
	g.mu.Unlock()
	t.Cleanup(func() {
		g.mu.Lock()
		g.free++
		g.cond.Broadcast()
		g.mu.Unlock()
	})
}

// best is the ticket the next free place goes to. The caller holds mu.
func (g *testGate) best() *gateTicket {
	var b *gateTicket
	for _, tk := range g.tickets {
		if b == nil || tk.rank < b.rank || tk.rank == b.rank && tk.started < b.started {
			b = tk
		}
	}
	return b
}

// rankOther is the rank of every parallel test but the slow lessons' plays.
var rankOther = len(slowIDs)

// lessonRank is a lesson play's rank at the gate: the slow lessons first,
// the longest first.
func lessonRank(l *Lesson) int {
	if i := slices.Index(slowIDs, l.ID); i >= 0 {
		return i
	}
	return rankOther
}

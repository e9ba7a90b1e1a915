package lessonpane

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/internal/testrun"
	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/wire"
	"github.com/socklab/socklab/ui/ladder"
)

// leakNetEnv marks the copy of this test that runs inside a private user
// and network namespace, where it owns lo and may capture it.
const leakNetEnv = "SOCKLAB_TRUTHSCREEN_LEAK_NET"

// TestPredictionScreensNameNoAnswer plays every built-in lesson on real
// sockets with the wire on, and before each prediction renders the question
// screen the learner sees, at 80x24 and at 120x36, with the earlier steps'
// real ladder rows. With the question and the choices blanked out, nothing
// left on the screen may name a word that only the right choice has (a
// state, an errno, a flag, quoted bytes; right is what the kernel then
// did): the ladder, the header and the help line must not answer the
// question. Numbers are left to Lesson.Leaks: fds and
// ports on a ladder are numbers by the dozen.
func TestPredictionScreensNameNoAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("plays all lessons on real sockets")
	}
	if os.Getenv(leakNetEnv) == "" {
		// The copy plays 4 lessons at a time, more than GOMAXPROCS since
		// they wait far more than they compute; not all 14 at once: on 2
		// busy cores that starved a lesson's server past the engine's quiet
		// time (30 ms) and a step ended before its reply (3 runs in 10).
		// It starts before this test is paused as parallel (then this one
		// only waits): it is the package's longest, and Go gives the paused
		// tests their places in the scheduler's order, not theirs.
		cmd := exec.Command("/proc/self/exe", "-test.run=^TestPredictionScreensNameNoAnswer$", "-test.v", "-test.parallel=4")
		cmd.Env = append(os.Environ(), leakNetEnv+"=1")
		testrun.InPrivateNetwork(cmd, 12 /* CAP_NET_ADMIN */, 13 /* CAP_NET_RAW */)
		out, err := testrun.ParallelChild(t, cmd)
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			if os.Getenv("CI") != "" {
				t.Fatalf("private network refused: %v", err)
			}
			t.Skipf("private network refused: %v", err)
		}
		if err != nil || !strings.Contains(out, "--- PASS: TestPredictionScreensNameNoAnswer") {
			t.Fatalf("in the private network: %v\n%s", err, out)
		}
		t.Logf("in the private network:\n%s", linesWith(out, "predictions checked", "--- PASS: TestPredictionScreensNameNoAnswer "))
		return
	}
	if err := wire.LoopbackUp(); err != nil {
		t.Fatal(err)
	}
	ls, err := lessons.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// Each lesson plays on a lab of its own and mostly waits on the
	// kernel's timers (lesson 8 waits for a SYN to be sent again), so they
	// play side by side; the group returns when every one has ended.
	var asked atomic.Int64
	t.Run("lessons", func(t *testing.T) {
		for li, l := range ls {
			t.Run(l.ID, func(t *testing.T) {
				t.Parallel()
				problems := screenLeaks(t, li, l, func(*lessons.Lesson) {})
				asked.Add(int64(problems.asked))
				for _, p := range problems.leaks {
					t.Error(p)
				}
			})
		}
		// The check can fail: lesson 2 with a title that names its answer.
		t.Run("planted", func(t *testing.T) {
			t.Parallel()
			planted := screenLeaks(t, 1, ls[1], func(l *lessons.Lesson) { l.Title = "Sockets that LISTEN" })
			if len(planted.leaks) == 0 {
				t.Fatal("a title naming the answer (LISTEN) was not found on the question screen")
			}
		})
	})
	if n := asked.Load(); n < 30 {
		t.Fatalf("only %d predictions checked", n)
	}
	t.Logf("%d predictions checked at 80x24 and 120x36", asked.Load())
}

type leakReport struct {
	asked int
	leaks []string
}

// cutCallRE finds a connect, accept or bind row cut short with "…".
var cutCallRE = regexp.MustCompile(`\b(connect|accept|bind)\([^│┊]*…`)

// screenNameRE: the distinctive words checked on screen (names and quoted
// bytes, not numbers).
var screenNameRE = regexp.MustCompile(`^("[^"]+"|[A-Z][A-Z0-9_]+)$`)

// screenLeaks plays l and checks each question screen; plant may change the
// lesson shown (not the one played) to prove the check can fail.
func screenLeaks(t *testing.T, li int, l *lessons.Lesson, plant func(*lessons.Lesson)) leakReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := lessons.Start(l, lessons.Options{Wire: netlab.WireConfig{Capture: true, Private: true}})
	defer r.Close()
	var rep leakReport
	var results []*lessons.StepResult
	for si := range l.Steps {
		screens := map[string]string{}
		pr := l.Steps[si].Predict
		if pr != nil {
			rep.asked++
			shown := blankedQuestion(l, si)
			plant(shown)
			p := New(testCommon(), Options{}, netlab.WireConfig{})
			p.catalog = []*lessons.Lesson{shown}
			p.cur, p.results, p.state, p.choice = 0, results, modeQuestion, 0
			for _, sz := range [][2]int{{80, 24}, {120, 36}} {
				screens[fmt.Sprintf("%dx%d", sz[0], sz[1])] = ansi.Strip(p.View(sz[0], sz[1]))
			}
		}
		res, err := r.Next(ctx)
		if err != nil {
			t.Fatalf("lesson %d step %d: %v", li+1, si+1, err)
		}
		results = append(results, res)
		// At 80x24 (a pane of 21 lines) no connect, accept or bind row of
		// the step's ladder is cut.
		after := New(testCommon(), Options{}, netlab.WireConfig{})
		after.catalog, after.cur, after.results = []*lessons.Lesson{l}, 0, results
		after.answers = map[int]int{}
		for _, line := range strings.Split(ansi.Strip(after.View(80, 21)), "\n") {
			if cutCallRE.MatchString(line) {
				rep.leaks = append(rep.leaks, fmt.Sprintf("%s: step %d at 80x24: a call's label is cut: %q", l.File, si+1, strings.TrimSpace(line)))
			}
		}
		if pr == nil {
			continue
		}
		if len(res.Choices) == len(pr.Choices) && len(res.Whens) == 0 {
			rep.leaks = append(rep.leaks, fmt.Sprintf("%s: step %d: no explanation is shown once the question is answered (no when line held)", l.File, si+1))
		}
		// The answer is the choice the kernel agreed with, known once the
		// step has run; the screens were drawn before it ran.
		for ci, words := range pr.Distinctive() {
			if ci >= len(res.Choices) || !res.Choices[ci] {
				continue
			}
			for _, w := range words {
				if !screenNameRE.MatchString(w) {
					continue // a number: fds and ports are numbers too
				}
				for size, screen := range screens {
					if regexp.MustCompile(`(^|\W)` + regexp.QuoteMeta(w) + `(\W|$)`).MatchString(screen) {
						rep.leaks = append(rep.leaks, fmt.Sprintf("%s: step %d at %s: the screen names %s (the answer, choice %c) before it is answered:\n%s",
							l.File, si+1, size, w, 'a'+ci, screen))
					}
				}
			}
		}
	}
	// Each state drawn on the lesson's whole ladder was read after the
	// segments above it and before those below it.
	var all []event.Event
	for _, res := range results {
		all = append(all, res.Events...)
	}
	for _, bad := range ladder.StateLeaks(all) {
		rep.leaks = append(rep.leaks, l.File+": "+bad)
	}
	return rep
}

// blankedQuestion is a copy of l whose step si asks "QUESTION" with choices
// "CHOICE-a"…: the words left on screen are the ladder's and the frame's.
func blankedQuestion(l *lessons.Lesson, si int) *lessons.Lesson {
	c := *l
	c.Steps = append([]lessons.Step(nil), l.Steps...)
	pr := *l.Steps[si].Predict
	pr.Question = "question"
	pr.Choices = append([]lessons.Choice(nil), pr.Choices...)
	for i := range pr.Choices {
		pr.Choices[i].Text = "choice " + string(rune('a'+i))
	}
	c.Steps[si].Predict = &pr
	return &c
}

// linesWith keeps the lines of s that hold one of subs.
func linesWith(s string, subs ...string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		for _, sub := range subs {
			if strings.Contains(line, sub) {
				keep = append(keep, line)
				break
			}
		}
	}
	return strings.Join(keep, "\n")
}

package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/lessonpane"
)

// footerLine is the last line of the screen: the key help.
func footerLine(p *pump) string {
	lines := strings.Split(p.screen(), "\n")
	return lines[len(lines)-1]
}

// TestFooterFollowsTheSituation checks that the footer's first key is the
// one a newcomer needs next, and that the global keys survive at 80 cells.
func TestFooterFollowsTheSituation(t *testing.T) {
	t.Parallel()
	p := newPump(t, Options{Pane: "calc"}, 80, 24)
	calc := p.m.panes[common.PaneCalc].(*labPane)
	p.waitFor("server address", func() bool { return calc.addr.IsValid() })
	if f := footerLine(p); !strings.HasPrefix(strings.TrimSpace(f), "i/enter type") || !strings.Contains(f, "q quit") {
		t.Fatalf("first footer: %q", f)
	}
	p.key("i")
	if f := footerLine(p); !strings.HasPrefix(strings.TrimSpace(f), "enter send") || !strings.Contains(f, "tab next pane") {
		t.Fatalf("typing footer: %q", f)
	}
	p.key("esc")
	if f := footerLine(p); !strings.HasPrefix(strings.TrimSpace(f), "i/enter type") || !strings.Contains(f, "q quit") {
		t.Fatalf("command footer: %q", f)
	}
	p.key("s")
	p.waitFor("step mode", func() bool { return calc.feed.Stepping })
	if f := footerLine(p); !strings.HasPrefix(strings.TrimSpace(f), "n/space next call") || !strings.Contains(f, "q quit") {
		t.Fatalf("step footer: %q", f)
	}
}

// TestLessonThroughRootOptions opens lesson 2 the way `socklab lesson 2`
// does (one Run path: Options.Lessons), plays it to the end with the keys
// the footer names, and goes on to lesson 3 with n.
func TestLessonThroughRootOptions(t *testing.T) {
	t.Parallel()
	prog := filepath.Join(t.TempDir(), "progress.json")
	p := newPump(t, Options{Pane: "lessons", Lessons: lessonpane.Options{Number: 2, ProgressPath: prog}}, 100, 30)
	lp := p.m.panes[common.PaneLessons].(*lessonpane.Pane)
	p.waitScreen("Lesson 2/14")
	idle := func() bool { return !lp.Busy() }
	for i := 0; !strings.Contains(footerLine(p), "n next lesson"); i++ {
		if i > 40 {
			t.Fatalf("lesson 2 did not end after %d keys:\n%s", i, p.screen())
		}
		p.waitFor("the step to finish", idle)
		f := strings.TrimSpace(footerLine(p))
		switch {
		case strings.HasPrefix(f, "n next step"):
			p.key("n")
		case strings.Contains(f, "enter answer"):
			p.key("enter")
		case strings.Contains(f, "n next lesson"):
		default:
			t.Fatalf("footer names no next key: %q\n%s", f, p.screen())
		}
		p.waitFor("the step to finish", idle)
	}
	if !strings.Contains(p.screen(), "✓ done") {
		t.Fatalf("lesson 2 not marked done:\n%s", p.screen())
	}
	p.key("n")
	p.waitScreen("Lesson 3/14")
}

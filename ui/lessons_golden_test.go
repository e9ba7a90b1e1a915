package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/internal/fixture"
	"github.com/socklab/socklab/ui/lessonpane"
	"github.com/socklab/socklab/ui/theme"
)

// fixtureLessonPane is a lesson pane showing fixture.Lesson: step 2
// played, its prediction answered wrongly.
func fixtureLessonPane(t *testing.T, c *Common) *lessonpane.Pane {
	t.Helper()
	p := lessonpane.New(&c.Common, lessonpane.Options{ProgressPath: ""}, c.Opts.Wire)
	p.Replay(fixture.Lesson())
	return p
}

// TestGoldenLessonScreen renders a lesson screen at 80x24 and 160x48.
// Run with -update to regenerate after a deliberate change.
func TestGoldenLessonScreen(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := NewModel(Options{Pane: "lessons", Theme: theme.ThemeDark})
			defer m.Close()
			m.panes[common.PaneLessons] = fixtureLessonPane(t, m.c)
			m.Update(tea_WindowSize(size[0], size[1]))
			out := m.render()
			checkSize(t, out, size[0], size[1])
			plain := ansi.Strip(out)
			for _, want := range []string{"Lesson 1/1", "← what happened", "Python"} {
				if !strings.Contains(plain, want) {
					t.Fatalf("screen lacks %q:\n%s", want, plain)
				}
			}
			golden.RequireEqual(t, out)
		})
	}
}

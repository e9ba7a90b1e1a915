package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/internal/fixture"
	"github.com/socklab/socklab/ui/theme"
)

// fixtureLessonPane is a lesson pane showing fixture.Lesson: step 2
// played, its prediction answered wrongly.
func fixtureLessonPane(t *testing.T, c *Common) *lessonsPane {
	t.Helper()
	p := newLessonsPane(&c.Common, LessonOptions{ProgressPath: ""}, c.Opts.Wire)
	p.Replay(fixture.Lesson())
	return p
}

// TestGoldenLessonScreen renders a lesson screen at 80x24 and 160x48.
// Run with -update to regenerate after a deliberate change.
func TestGoldenLessonScreen(t *testing.T) {
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

// TestWrongAnswerPromisesOnlyAnExplanationThatIsThere: "why is explained
// below" only when an explanation is below.
func TestWrongAnswerPromisesOnlyAnExplanationThatIsThere(t *testing.T) {
	m := NewModel(Options{Pane: "lessons", Theme: theme.ThemeDark})
	defer m.Close()
	p := fixtureLessonPane(t, m.c)
	for _, whens := range [][]string{{"The kernels did the handshake."}, nil} {
		p.results[1].Whens = whens
		screen := ansi.Strip(p.View(100, 30))
		if !strings.Contains(screen, "✗ it went otherwise") {
			t.Fatalf("the wrong answer is not marked:\n%s", screen)
		}
		if got := strings.Contains(screen, "explained below"); got != (whens != nil) {
			t.Errorf("with %d explanations, \"explained below\" shown=%v:\n%s", len(whens), got, screen)
		}
	}
}

// TestNoChoiceMatchedIsNotGraded: when the kernel did what no choice says,
// the screen says so and marks the answer neither right nor wrong, and the
// score leaves the question out.
func TestNoChoiceMatchedIsNotGraded(t *testing.T) {
	m := NewModel(Options{Pane: "lessons", Theme: theme.ThemeDark})
	defer m.Close()
	p := fixtureLessonPane(t, m.c)
	p.results[1].Choices = []bool{false, false}
	screen := ansi.Strip(p.View(100, 30))
	if !strings.Contains(screen, "not graded") || strings.Contains(screen, "went otherwise") || strings.Contains(screen, "you predicted") {
		t.Fatalf("an outcome no choice matches must not be graded:\n%s", screen)
	}
	if asked, _ := p.score(); asked != 0 {
		t.Fatalf("the score counts an ungraded question: %d asked", asked)
	}
}

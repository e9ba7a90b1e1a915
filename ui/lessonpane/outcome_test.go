package lessonpane

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/ui/internal/fixture"
)

// replayPane is a lesson pane showing fixture.Lesson: step 2 played, its
// prediction answered wrongly.
func replayPane() *Pane {
	p := New(testCommon(), Options{}, netlab.WireConfig{})
	p.Replay(fixture.Lesson())
	return p
}

// TestWrongAnswerPromisesOnlyAnExplanationThatIsThere: "why is explained
// below" only when an explanation is below.
func TestWrongAnswerPromisesOnlyAnExplanationThatIsThere(t *testing.T) {
	t.Parallel()
	p := replayPane()
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
	t.Parallel()
	p := replayPane()
	p.results[1].Choices = []bool{false, false}
	screen := ansi.Strip(p.View(100, 30))
	if !strings.Contains(screen, "not graded") || strings.Contains(screen, "went otherwise") || strings.Contains(screen, "you predicted") {
		t.Fatalf("an outcome no choice matches must not be graded:\n%s", screen)
	}
	if asked, _ := p.score(); asked != 0 {
		t.Fatalf("the score counts an ungraded question: %d asked", asked)
	}
}

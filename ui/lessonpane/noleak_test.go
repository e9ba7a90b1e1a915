package lessonpane

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/netlab"
)

// TestPredictionsShowNoAnswerBeforeAnswered walks every prediction of every
// built-in lesson in its asking state and checks what the learner sees then:
// the question and its choices, and none of the step's title, prose or code,
// which may name the outcome (`# n == 5`, `// unix.ECONNREFUSED`, a title
// naming the errno).
func TestPredictionsShowNoAnswerBeforeAnswered(t *testing.T) {
	t.Parallel()
	p := New(testCommon(), Options{}, netlab.WireConfig{})
	p.loadCatalog()
	asked := 0
	for li, l := range p.catalog {
		p.cur = li
		for si := range l.Steps {
			step := &l.Steps[si]
			if step.Predict == nil {
				continue
			}
			asked++
			p.state, p.results = modeQuestion, make([]*lessons.StepResult, si)
			screen := ansi.Strip(strings.Join(append(p.textLines(l, si, step, nil, 100), p.codeLines(step, 100, 30, true)...), "\n"))
			leaks := []string{step.Title}
			for _, code := range []string{step.Python, step.Go} {
				for _, line := range strings.Split(code, "\n") {
					if line = strings.TrimSpace(line); len(line) > 12 {
						leaks = append(leaks, line)
					}
				}
			}
			if para := strings.TrimSpace(strings.SplitN(step.Text, "\n", 2)[0]); len(para) > 20 {
				leaks = append(leaks, para)
			}
			for _, leak := range leaks {
				if strings.Contains(screen, leak) && !strings.Contains(step.Predict.Question, leak) {
					t.Errorf("lesson %d step %d shows %q before it is answered:\n%s", li+1, si+1, leak, screen)
				}
			}
		}
	}
	if asked < 20 {
		t.Fatalf("only %d predictions found", asked)
	}
	t.Logf("%d predictions checked", asked)
}

package lessonpane

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/netlab"
)

// TestLessonQuestionIgnoresCodeAndAutoplay: at a question, c (the code may
// give the answer away), a, + and - (autoplay must not skip it) do nothing,
// while h shows the hint and ↓ moves between the choices.
func TestLessonQuestionIgnoresCodeAndAutoplay(t *testing.T) {
	t.Parallel()
	cat, err := lessons.Catalog("")
	if err != nil {
		t.Fatal(err)
	}
	li, si := -1, -1
	for i, l := range cat {
		for j, s := range l.Steps {
			if s.Predict != nil && len(s.Predict.Choices) > 1 && li < 0 {
				li, si = i, j
			}
		}
	}
	if li < 0 {
		t.Fatal("no lesson asks a question with two choices")
	}
	p := New(testCommon(), Options{}, netlab.WireConfig{})
	p.catalog, p.catalogRead = cat, true
	p.cur, p.results, p.state = li, make([]*lessons.StepResult, si), modeQuestion
	code, auto, speed := p.code, p.auto, p.speed
	for _, k := range []tea.KeyPressMsg{{Code: 'c', Text: "c"}, {Code: 'a', Text: "a"}, {Code: '+', Text: "+"}, {Code: '-', Text: "-"}} {
		if cmd := p.Update(k); cmd != nil {
			t.Errorf("%q at a question made a command", k.Text)
		}
	}
	if p.code != code || p.auto != auto || p.speed != speed || !asking(p) {
		t.Fatalf("keys acted at a question: code %v→%v auto %v→%v speed %d→%d asking %v", code, p.code, auto, p.auto, speed, p.speed, asking(p))
	}
	p.Update(tea.KeyPressMsg{Code: 'h', Text: "h"})
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if !p.hint || p.choice != 1 || p.mode() != modeQuestion {
		t.Fatalf("h and ↓ at a question: hint=%v choice=%d mode=%d", p.hint, p.choice, p.mode())
	}
}

// TestLessonListKeepsTheQuestion: l at a question shows the list, and l
// again comes back to the same open question (not to the step's text with
// the question gone).
func TestLessonListKeepsTheQuestion(t *testing.T) {
	t.Parallel()
	cat, err := lessons.Catalog("")
	if err != nil {
		t.Fatal(err)
	}
	p := New(testCommon(), Options{}, netlab.WireConfig{})
	p.catalog, p.catalogRead = cat, true
	p.cur, p.state = 0, modeQuestion
	p.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
	if p.mode() != modeList {
		t.Fatalf("l at a question: mode %d, want the list", p.mode())
	}
	p.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
	if p.mode() != modeQuestion {
		t.Fatalf("l back from the list: mode %d, want the question", p.mode())
	}
	p.state = modeReading
	p.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
	p.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
	if p.mode() != modeReading {
		t.Fatalf("l, l while reading: mode %d, want reading", p.mode())
	}
}

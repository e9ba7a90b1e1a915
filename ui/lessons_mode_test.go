package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/lessons"
)

// TestLessonQuestionIgnoresCodeAndAutoplay: at a question, c (the code may
// give the answer away), a, + and - (autoplay must not skip it) do nothing,
// while h shows the hint and ↓ moves between the choices.
func TestLessonQuestionIgnoresCodeAndAutoplay(t *testing.T) {
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
	p := newLessonsPane(testCommon(), LessonOptions{})
	p.catalog, p.catalogRead = cat, true
	p.cur, p.results, p.asking = li, make([]*lessons.StepResult, si), true
	code, auto, speed := p.code, p.auto, p.speed
	for _, k := range []tea.KeyPressMsg{{Code: 'c', Text: "c"}, {Code: 'a', Text: "a"}, {Code: '+', Text: "+"}, {Code: '-', Text: "-"}} {
		if cmd := p.Update(k); cmd != nil {
			t.Errorf("%q at a question made a command", k.Text)
		}
	}
	if p.code != code || p.auto != auto || p.speed != speed || !p.asking {
		t.Fatalf("keys acted at a question: code %v→%v auto %v→%v speed %d→%d asking %v", code, p.code, auto, p.auto, speed, p.speed, p.asking)
	}
	p.Update(tea.KeyPressMsg{Code: 'h', Text: "h"})
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if !p.hint || p.choice != 1 || p.mode() != modeQuestion {
		t.Fatalf("h and ↓ at a question: hint=%v choice=%d mode=%d", p.hint, p.choice, p.mode())
	}
}

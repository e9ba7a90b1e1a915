package lessons

import (
	"strings"
	"testing"
)

// TestBuiltinLessonsNameNoAnswerBeforeItsQuestion: no built-in
// introduction or earlier step names a word only one choice of a later
// prediction has.
func TestBuiltinLessonsNameNoAnswerBeforeItsQuestion(t *testing.T) {
	parallel(t, rankOther)
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		for _, k := range l.Leaks() {
			t.Errorf("%s %s", l.File, k)
		}
	}
}

// TestLeaksFindsAPlantedAnswer: an introduction, an earlier step's prose
// and an earlier explanation that name an answer are each found; the same
// lesson with neutral words is clean.
func TestLeaksFindsAPlantedAnswer(t *testing.T) {
	parallel(t, rankOther)
	const lesson = `# Planted

INTRO

## A pair

STEP1

` + "```lab\nserver.socket tcp\nserver.bind 127.0.0.1:0\nserver.listen 1\nclient.socket tcp\nclient.connect server\nconn = server.accept\n```" + `

## Close

` + "```predict\nWhich state is the server's socket in now?\n- ESTABLISHED :: conn.state.state == ESTABLISHED\n- CLOSE_WAIT :: conn.state.state == CLOSE_WAIT\n```\n\n```hint\nWho has closed?\n```" + `

` + "```lab\nclient.close\nconn.state\n```\n"
	cases := []struct {
		intro, step1, where string
	}{
		{"Closing leaves the server in CLOSE_WAIT.", "A pair.", "the introduction"},
		{"What state follows a close?", "The server will sit in CLOSE_WAIT.", "step 1's prose"},
		{"What state follows a close?", "A pair.", ""},
	}
	for _, c := range cases {
		src := strings.NewReplacer("INTRO", c.intro, "STEP1", c.step1).Replace(lesson)
		l, err := Parse("planted.md", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		leaks := l.Leaks()
		switch {
		case c.where == "" && len(leaks) > 0:
			t.Errorf("neutral lesson reported %v", leaks)
		case c.where != "" && (len(leaks) != 1 || leaks[0].Where != c.where || leaks[0].Word != "CLOSE_WAIT" || leaks[0].Step != 2):
			t.Errorf("planted in %s: got %v", c.where, leaks)
		}
	}
	// A number inside an address or port is not the answer "0".
	p := &Prediction{Question: "What does recv return?", Choices: []Choice{{Text: "0 bytes"}, {Text: "an error"}}}
	if d := p.Distinctive(); len(d[0]) != 1 || d[0][0] != "0" || len(d[1]) != 0 {
		t.Fatalf("distinctive words: %q", d)
	}
	for text, want := range map[string]bool{"bind 127.0.0.1:0 first": false, "port 80": false, "it returns 0.": true, "(0 bytes)": true} {
		if hasWord(text, "0") != want {
			t.Errorf("hasWord(%q, 0) = %v", text, !want)
		}
	}
}

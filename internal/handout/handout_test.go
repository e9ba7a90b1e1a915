package handout

import (
	"bytes"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

func note(s string) event.Event {
	return event.Event{Kind: event.KindNote, Actor: "lab", FD: -1, Note: s}
}

// blocks is the lines inside the code blocks of md.
func blocks(md string) (inside []string) {
	fence := ""
	for _, l := range strings.Split(md, "\n") {
		switch {
		case fence == "" && strings.HasPrefix(l, "```"):
			fence = strings.TrimRight(l, "abcdefghijklmnopqrstuvwxyz")
		case fence != "" && l == fence:
			fence = ""
		case fence != "":
			inside = append(inside, l)
		}
	}
	return inside
}

// TestOutputCannotEndItsBlock: a program whose output holds fences and
// HTML gets them shown inside the block, never read as Markdown.
func TestOutputCannotEndItsBlock(t *testing.T) {
	var c Collector
	c.Emit(note("the program ended: exit 0"))
	hostile := "```\n# not a heading\n````\n<img src=x onerror=alert(1)>\n\x1b]0;owned\x07"
	var b bytes.Buffer
	if err := c.Write(&b, []string{"python3", "evil`name.py"}, "wire: on (private network)", hostile); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	in := strings.Join(blocks(md), "\n")
	for _, want := range []string{"# not a heading", "<img src=x", "the program ended: exit 0"} {
		if !strings.Contains(in, want) {
			t.Errorf("%q is not inside a code block:\n%s", want, md)
		}
	}
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "# not a heading") && !strings.Contains(in, l) {
			t.Errorf("the output's heading escaped its block:\n%s", md)
		}
	}
	if strings.Contains(md, "\x1b") {
		t.Errorf("a raw escape reached the handout:\n%q", md)
	}
	if !strings.Contains(md, "# socklab run: `` python3 evil`name.py ``") {
		t.Errorf("the title's code span is not longer than the backticks it holds:\n%s", md)
	}
	for _, h := range []string{"## The calls and segments", "## The program's output", "## The conversation", "sequenceDiagram"} {
		if !strings.Contains(md, h) {
			t.Errorf("no %q in the handout", h)
		}
	}
}

func TestCollectorKeepsHistoryAndCountsTheRest(t *testing.T) {
	var c Collector
	for range History + 3 {
		c.Emit(note("x"))
	}
	var b bytes.Buffer
	if err := c.Write(&b, []string{"p"}, "wire: off", ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "… and 3 more events, not kept (a handout keeps the first 20000)") {
		t.Errorf("the 3 events over the bound are not counted")
	}
	if strings.Contains(b.String(), "## The program's output") {
		t.Errorf("an empty output got a section")
	}
}

func TestFenceIsLongerThanAnyRun(t *testing.T) {
	for body, want := range map[string]string{"plain\n": "```", "a ``` b\n": "````", "`````\n": "``````"} {
		var b strings.Builder
		fence(&b, "text", body)
		if got := strings.SplitN(b.String(), "text", 2)[0]; got != want {
			t.Errorf("fence of %q opens with %q, want %q", body, got, want)
		}
	}
}

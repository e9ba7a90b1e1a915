package lessons

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/safetext"
)

// TestCheckReportsControlChars: a lesson file carrying a control, bidi or
// zero-width character is refused by lessons check (and so by every
// loader), with its file and line, before any printer sees its text; the
// refusal itself prints the character only as an escape.
func TestCheckReportsControlChars(t *testing.T) {
	parallel(t, rankOther)
	for _, h := range safetext.Hostile {
		if i, _ := safetext.Find(h); i < 0 {
			continue // Markdown/HTML: text, escaped where printed as data
		}
		dir := t.TempDir()
		src := "# Title\n\nintro\n\n## Step one " + h + "\n"
		if err := os.WriteFile(filepath.Join(dir, "01-x.md"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Check(dir)
		if err == nil {
			t.Fatalf("%q: lessons check passed a file with a control character", h)
		}
		msg := err.Error()
		if r, bad := safetext.Raw(msg); bad {
			t.Errorf("%q: the error itself carries raw %U: %q", h, r, msg)
		}
		if !strings.Contains(msg, "01-x.md") || (!strings.Contains(msg, "control character") && !strings.Contains(msg, "invalid UTF-8")) {
			t.Errorf("%q: error does not say which file and what: %q", h, msg)
		}
	}
}

// TestCheckAllowsCRLFAndTabs: line endings and tabs are text.
func TestCheckAllowsCRLF(t *testing.T) {
	parallel(t, rankOther)
	if _, _, bad := controlChar([]byte("a\r\nb\tc\n")); bad {
		t.Fatal("CRLF or tab reported as a control character")
	}
	if line, r, bad := controlChar([]byte("a\r\nb\rc\n")); !bad || line != 2 || r != '\r' {
		t.Fatalf("a lone CR: got line %d %U %v, want line 2 U+000D", line, r, bad)
	}
}

// TestMermaidTextHostile: the handout's diagram labels quote call text,
// which carries peer data: no raw control, no HTML.
func TestMermaidTextHostile(t *testing.T) {
	parallel(t, rankOther)
	for _, h := range safetext.Hostile {
		out := mermaidText(h)
		if r, bad := safetext.Raw(out); bad {
			t.Errorf("mermaidText(%q) = %q: raw %U", h, out, r)
		}
		if strings.ContainsAny(out, "<>") {
			t.Errorf("mermaidText(%q) = %q: HTML passed through", h, out)
		}
	}
}

var textBlocks = regexp.MustCompile("(?s)```text\n.*?\n```\n")

// TestTracePrintersHostile: socklab trace's text and Markdown printers
// with a step whose events carry every hostile payload (peer bytes), a
// sysctl value read from the kernel and an outcome error quoting them.
func TestTracePrintersHostile(t *testing.T) {
	parallel(t, rankOther)
	l := &Lesson{Title: "t", Steps: []Step{{Title: "s"}}}
	res := &StepResult{}
	for i, h := range safetext.Hostile {
		res.Events = append(res.Events,
			event.Event{Kind: event.KindCall, Op: event.OpRecv, Actor: "client", FD: 3, Result: len(h), Data: []byte(h), Text: "3, 1024, 0"},
			event.Event{Kind: event.KindCall, Op: event.OpSend, Actor: "server", FD: 4, Result: len(h), Data: []byte(h), Text: strconv.Quote(h) + ", 0"})
		res.Outcomes = append(res.Outcomes, &Outcome{Action: Action{Op: "sysctl", Actor: "a", Args: []string{"net.x"}, Src: "a.sysctl net.x"}, Extra: h},
			&Outcome{Action: Action{Op: "send", Actor: "a", Src: fmt.Sprintf("a.send %d", i)}, Err: fmt.Errorf("%q", h)})
	}
	var text bytes.Buffer
	WriteStep(&text, l, res)
	var md strings.Builder
	writeStepMarkdown(&md, l, res)
	md.WriteString(Mermaid(res.Events))
	for name, out := range map[string]string{"trace": text.String(), "trace --format md": md.String()} {
		if r, bad := safetext.Raw(out); bad {
			t.Errorf("%s: raw %U in:\n%s", name, r, out)
		}
		if !strings.Contains(out, "owned") {
			t.Fatalf("%s: the hostile payloads are not printed at all; the test tests nothing:\n%s", name, out)
		}
	}
	// Inside a ```text block HTML is shown as text by every Markdown
	// renderer; anywhere else (the Mermaid labels render HTML) it must be
	// escaped.
	if outside := textBlocks.ReplaceAllString(md.String(), ""); strings.Contains(outside, "<script") {
		t.Errorf("HTML from peer data outside a text block of the handout:\n%s", outside)
	}
}

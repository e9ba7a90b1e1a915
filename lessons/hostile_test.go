package lessons

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/safetext"
)

// TestCheckReportsControlChars: a lesson file carrying a control, bidi or
// zero-width character is refused by lessons check (and so by every
// loader), with its file and line, before any printer sees its text; the
// refusal itself prints the character only as an escape.
func TestCheckReportsControlChars(t *testing.T) {
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

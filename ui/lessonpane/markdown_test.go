package lessonpane

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/ui/theme"
)

// TestMarkdownSubset: the prose of lessons renders as text a student reads,
// never raw Markdown: no backticks or asterisks, lists as bullets, words
// wrapped to the width, identifiers with underscores untouched.
func TestMarkdownSubset(t *testing.T) {
	t.Parallel()
	st := theme.NewStyles(theme.ThemeDark, true)
	src := "A **request/response protocol**: the client sends `2+3*4`, see [the docs](https://example.org).\n" +
		"Options like SO_REUSEADDR and TIME_WAIT stay whole; 2*3*4 too; *this* is emphasis.\n\n" +
		"- first item\n  goes on here\n- second item\n\n" +
		"```text\nverbatim   line\n```\n\n## A heading\n"
	out := ansi.Strip(strings.Join(renderMarkdown(src, 40, st), "\n"))
	for _, bad := range []string{"`", "**", "*this*", "]("} {
		if strings.Contains(out, bad) {
			t.Errorf("raw Markdown %q left in:\n%s", bad, out)
		}
	}
	for _, want := range []string{"request/response protocol", "2+3*4", "the docs (https://example.org)", "SO_REUSEADDR", "TIME_WAIT", "2*3*4", "• first item goes on", "• second item", "  verbatim   line", "A heading"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) && !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line wider than 40: %q", l)
		}
	}
}

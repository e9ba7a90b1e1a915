package lessonpane

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/ui/theme"
)

// Lesson prose is a small subset of Markdown: paragraphs, lists, headings,
// fenced blocks, and inline **bold**, *emphasis*, `code` and [links](url).
// It is drawn here in a few dozen lines with the pane's own Styles instead
// of through Glamour, whose syntax highlighter (chroma) and Markdown parser
// (goldmark) cost ~100 ms of package initialisation in every socklab
// command, serve and --version included, for a paragraph per step. Anything
// outside the subset is shown as the text it is.

// mdCache keeps rendered prose per text, width and styles: View runs after
// every message.
type mdCache struct {
	m map[mdKey][]string
}

type mdKey struct {
	text  string
	width int
	st    *theme.Styles
}

// render returns the Markdown as lines at most width cells wide.
func (c *mdCache) render(text string, width int, st *theme.Styles) []string {
	if strings.TrimSpace(text) == "" || width < 10 {
		return nil
	}
	k := mdKey{text, width, st}
	if l, ok := c.m[k]; ok {
		return l
	}
	if c.m == nil || len(c.m) > 256 {
		c.m = map[mdKey][]string{}
	}
	lines := renderMarkdown(text, width, st)
	c.m[k] = lines
	return lines
}

// renderMarkdown draws text block by block.
func renderMarkdown(text string, width int, st *theme.Styles) []string {
	var out []string
	blank := func() {
		if len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
	}
	lines := strings.Split(strings.ReplaceAll(text, "\t", "    "), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " ")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			blank()
		case strings.HasPrefix(trimmed, "```"):
			blank()
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				out = append(out, "  "+st.Kernel.Render(theme.Fit(lines[i], width-2)))
			}
			blank()
		case strings.HasPrefix(trimmed, "#"):
			blank()
			out = append(out, wrapText(st.Title.Render(strings.TrimSpace(strings.TrimLeft(trimmed, "#"))), width, "", "")...)
		case listItem(trimmed) != "":
			// An item and the indented lines that continue it.
			item := listItem(trimmed)
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && listItem(strings.TrimSpace(lines[i+1])) == "" && strings.TrimSpace(lines[i+1]) != "" {
				i++
				item += " " + strings.TrimSpace(lines[i])
			}
			out = append(out, wrapText(inline(item, st), width, "• ", "  ")...)
		default:
			para := trimmed
			for i+1 < len(lines) {
				next := strings.TrimSpace(lines[i+1])
				if next == "" || strings.HasPrefix(next, "```") || strings.HasPrefix(next, "#") || listItem(next) != "" {
					break
				}
				i++
				para += " " + next
			}
			out = append(out, wrapText(inline(para, st), width, "", "")...)
		}
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// listItem returns the text of a list line ("- x", "* x", "1. x"), or "".
func listItem(s string) string {
	for _, p := range []string{"- ", "* ", "+ "} {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	if i := strings.Index(s, ". "); i > 0 && i <= 3 && strings.Trim(s[:i], "0123456789") == "" {
		return s[i+2:]
	}
	return ""
}

// wrapText wraps styled text to width, the first line after first and the
// others after rest.
func wrapText(s string, width int, first, rest string) []string {
	w := max(10, width-ansi.StringWidth(first))
	wrapped := strings.Split(ansi.Wordwrap(s, w, ""), "\n")
	for i := range wrapped {
		if i == 0 {
			wrapped[i] = first + wrapped[i]
		} else {
			wrapped[i] = rest + wrapped[i]
		}
	}
	return wrapped
}

// inline styles `code`, **bold**, *emphasis* / _emphasis_ and [text](url)
// (shown as "text (url)"); unmatched markers stay as they are.
func inline(s string, st *theme.Styles) string {
	var b strings.Builder
	prev := byte(' ')
	for len(s) > 0 {
		switch {
		case s[0] == '`':
			if j := strings.IndexByte(s[1:], '`'); j >= 0 {
				b.WriteString(st.Kernel.Render(s[1 : 1+j]))
				s = s[2+j:]
				continue
			}
		case strings.HasPrefix(s, "**"):
			if j := strings.Index(s[2:], "**"); j > 0 {
				b.WriteString(st.Text.Bold(true).Render(s[2 : 2+j]))
				s = s[4+j:]
				continue
			}
		case (s[0] == '*' || s[0] == '_') && !isWordByte(prev):
			// Only at a word's edges: SO_REUSEADDR and 2*3*4 stay as they are.
			if j := strings.IndexByte(s[1:], s[0]); j > 0 && s[1] != ' ' && (2+j >= len(s) || !isWordByte(s[2+j])) {
				b.WriteString(st.Text.Italic(true).Render(s[1 : 1+j]))
				prev, s = s[1+j], s[2+j:]
				continue
			}
		case s[0] == '[':
			if j := strings.Index(s, "]("); j > 0 {
				if k := strings.IndexByte(s[j:], ')'); k > 0 {
					b.WriteString(s[1:j] + " (" + s[j+2:j+k] + ")")
					s = s[j+k+1:]
					continue
				}
			}
		}
		prev = s[0]
		b.WriteByte(s[0])
		s = s[1:]
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

package theme

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/safetext"
)

// Fit makes s exactly w cells wide: truncated with "…" or padded with
// spaces. It understands ANSI styling.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// FitRight is Fit with the text pushed to the right edge.
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-sw) + s
}

// Block makes lines exactly w x h: extra lines are cut, missing ones blank.
func Block(lines []string, w, h int) string {
	if h <= 0 {
		return ""
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = Fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", w)
		}
	}
	return strings.Join(out, "\n")
}

// SideBySide joins two blocks of equal height with a gap.
func SideBySide(left, right string, gap int) string {
	l := strings.Split(left, "\n")
	r := strings.Split(right, "\n")
	n := max(len(l), len(r))
	lw := 0
	for _, s := range l {
		lw = max(lw, ansi.StringWidth(s))
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('\n')
		}
		ls, rs := "", ""
		if i < len(l) {
			ls = l[i]
		}
		if i < len(r) {
			rs = r[i]
		}
		b.WriteString(Fit(ls, lw))
		b.WriteString(strings.Repeat(" ", gap))
		b.WriteString(rs)
	}
	return b.String()
}

// Printable renders payload bytes as readable text through the one
// sanitizer (netlab/safetext): controls, bidi and zero-width characters as
// escapes, invalid UTF-8 as \xNN, so a line never breaks the layout and a
// peer's bytes never act on the terminal.
func Printable(p []byte) string { return safetext.Bytes(p) }

// Hex2 is c as two lowercase hex digits.
func Hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// Plural is n and word, with an s unless n is 1: "1 client", "3 clients".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// WrapLines wraps the lines wider than w (an outcome naming an address, a
// long question) so they are read in full instead of cut with "…".
func WrapLines(lines []string, w int) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if w <= 0 || ansi.StringWidth(l) <= w {
			out = append(out, l)
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(l, w, " "), "\n")...)
	}
	return out
}

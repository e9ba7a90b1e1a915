package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/safetext"
)

// fit makes s exactly w cells wide: truncated with "…" or padded with
// spaces. It understands ANSI styling.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// fitRight is fit with the text pushed to the right edge.
func fitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-sw) + s
}

// block makes lines exactly w x h: extra lines are cut, missing ones blank.
func block(lines []string, w, h int) string {
	if h <= 0 {
		return ""
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", w)
		}
	}
	return strings.Join(out, "\n")
}

// sideBySide joins two blocks of equal height with a gap.
func sideBySide(left, right string, gap int) string {
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
		b.WriteString(fit(ls, lw))
		b.WriteString(strings.Repeat(" ", gap))
		b.WriteString(rs)
	}
	return b.String()
}

// printable renders payload bytes as readable text through the one
// sanitizer (netlab/safetext): controls, bidi and zero-width characters as
// escapes, invalid UTF-8 as \xNN, so a line never breaks the layout and a
// peer's bytes never act on the terminal.
func printable(p []byte) string { return safetext.Bytes(p) }

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

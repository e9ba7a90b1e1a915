package ui

import (
	"strings"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"
)

// mdCache keeps rendered Markdown per text, width and theme: Glamour takes
// tens of milliseconds per page and View runs after every message.
type mdCache struct {
	m map[mdKey][]string
}

type mdKey struct {
	text  string
	width int
	dark  bool
}

// render returns the Markdown as lines at most width cells wide.
func (c *mdCache) render(text string, width int, dark bool) []string {
	if strings.TrimSpace(text) == "" || width < 10 {
		return nil
	}
	k := mdKey{text, width, dark}
	if l, ok := c.m[k]; ok {
		return l
	}
	if c.m == nil || len(c.m) > 256 {
		c.m = map[mdKey][]string{}
	}
	style := "light"
	if dark {
		style = "dark"
	}
	var lines []string
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width-2))
	if err == nil {
		var out string
		if out, err = r.Render(text); err == nil {
			lines = trimBlank(strings.Split(strings.TrimRight(out, "\n"), "\n"))
		}
	}
	if err != nil {
		lines = strings.Split(text, "\n")
	}
	c.m[k] = lines
	return lines
}

// trimBlank drops blank lines at both ends and glamour's two-space margin.
func trimBlank(lines []string) []string {
	blank := func(s string) bool { return strings.TrimSpace(ansi.Strip(s)) == "" }
	for len(lines) > 0 && blank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && blank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

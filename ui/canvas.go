package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/ui/theme"
)

// canvas is a grid of lines that pane parts are placed into by rect. Parts
// never overlap, so a placed part replaces whole cells of its lines.
type canvas struct {
	w     int
	parts [][]part
	fits  *theme.FitMemo
}

type part struct {
	x, w int
	s    string
}

func newCanvas(w, h int, fits *theme.FitMemo) *canvas {
	// One backing array, room for four parts a line: a line holds two or
	// three, so placing them allocates nothing more.
	const perLine = 4
	all := make([]part, h*perLine)
	parts := make([][]part, h)
	for y := range parts {
		parts[y] = all[y*perLine : y*perLine : (y+1)*perLine]
	}
	return &canvas{w: w, parts: parts, fits: fits}
}

// put places text (lines) into r, fitted to r's size.
func (c *canvas) put(r rect, text string) {
	if r.w <= 0 || r.h <= 0 {
		return
	}
	c.putLines(r, strings.Split(text, "\n"))
}

// putLines is put for text already split into lines.
func (c *canvas) putLines(r rect, lines []string) {
	if r.w <= 0 || r.h <= 0 {
		return
	}
	for i := range r.h {
		y := r.y + i
		if y < 0 || y >= len(c.parts) {
			continue
		}
		s := ""
		if i < len(lines) {
			s = lines[i]
		}
		c.parts[y] = append(c.parts[y], part{r.x, r.w, c.fits.Fit(s, r.w)})
	}
}

func (c *canvas) String() string {
	var b strings.Builder
	b.Grow(c.w * len(c.parts) * 2)
	for y, ps := range c.parts {
		if y > 0 {
			b.WriteByte('\n')
		}
		// Insertion sort: a line holds two or three parts.
		for i := 1; i < len(ps); i++ {
			for j := i; j > 0 && ps[j].x < ps[j-1].x; j-- {
				ps[j], ps[j-1] = ps[j-1], ps[j]
			}
		}
		x := 0
		for _, p := range ps {
			if p.x > x {
				b.WriteString(strings.Repeat(" ", p.x-x))
				x = p.x
			}
			b.WriteString(p.s)
			x += p.w
		}
		if x < c.w {
			b.WriteString(strings.Repeat(" ", c.w-x))
		}
	}
	return b.String()
}

func lipWidth(s string) int { return ansi.StringWidth(s) }

package ladder

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/safetext"
	"github.com/socklab/socklab/ui/theme"
)

const utf8Invalid = utf8.RuneError

// decodeRune is utf8.DecodeRune, but reports a lone invalid byte as
// utf8Invalid of length 1 (a real U+FFFD in the payload is 3 bytes).
func decodeRune(p []byte) (rune, int) {
	r, n := utf8.DecodeRune(p)
	if r == utf8.RuneError && n <= 1 {
		return utf8Invalid, 1
	}
	return r, n
}

// RenderBytes draws the payload of one send/recv event: a title line, then
// the text character by character with each character's UTF-8 bytes in hex
// underneath (an emoji shows its 4 bytes). Pure: used by the lab panes and
// the lesson pane.
func RenderBytes(e event.Event, width, height int, st *theme.Styles) string {
	if height <= 0 || width <= 0 {
		return ""
	}
	if e.Kind == event.KindPacket && e.Pkt != nil {
		return RenderPacket(e, width, height, st)
	}
	if len(e.Data) == 0 {
		return theme.Block([]string{st.Muted.Render("no message selected (↑/↓ pick one in the conversation)")}, width, height)
	}
	who := roleStyle(e.Role, st).Render(e.Actor)
	title := fmt.Sprintf("%s %s(%d) = %s  %s", who, e.Op, e.FD,
		st.Kernel.Render(fmt.Sprint(e.Result)), st.Wire.Render(fmt.Sprintf("%d bytes, %s", len(e.Data), encodingName(e.Data))))
	if e.Result > len(e.Data) {
		title += st.Muted.Render(fmt.Sprintf(" (first %d shown)", len(e.Data)))
	}
	lines := []string{title}
	// Build cells: label over hex, wrapped at width.
	var top, bot strings.Builder
	used := 0
	flush := func() {
		lines = append(lines, top.String(), bot.String())
		top.Reset()
		bot.Reset()
		used = 0
	}
	p := e.Data
	for len(p) > 0 && len(lines) < height {
		r, n := decodeRune(p)
		var hx []string
		for _, c := range p[:n] {
			hx = append(hx, theme.Hex2(c))
		}
		h := strings.Join(hx, " ")
		label := string(r)
		switch {
		case r == '\n':
			label = `\n`
		case r == '\r':
			label = `\r`
		case r == '\t':
			label = `\t`
		case r == ' ':
			label = "␣"
		case r == utf8Invalid || safetext.Unsafe(r):
			label = "·"
		}
		cw := max(ansi.StringWidth(label), len(h))
		if used > 0 && used+1+cw > width {
			flush()
			if len(lines) >= height {
				break
			}
		}
		if used > 0 {
			top.WriteByte(' ')
			bot.WriteByte(' ')
			used++
		}
		top.WriteString(st.Text.Render(fitCenter(label, cw)))
		bot.WriteString(st.Wire.Render(fitCenter(h, cw)))
		used += cw
		p = p[n:]
	}
	if used > 0 {
		flush()
	}
	return theme.Block(lines, width, height)
}

func fitCenter(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw >= w {
		return s
	}
	left := (w - sw) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", w-sw-left)
}

// encodingName says whether the bytes are valid UTF-8: a flood or a
// binary peer sends anything, and the label must not claim text.
func encodingName(b []byte) string {
	if utf8.Valid(b) {
		return "UTF-8"
	}
	return "not valid UTF-8"
}

package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/ui/theme"
)

// lineInput is a one-line text field. bubbles' textinput would pull in a
// clipboard module that is not in go.mod; this field needs far less: typed
// and pasted text, cursor moves, deletion. It never starts timers (the
// cursor does not blink), so an idle field costs no CPU.
type lineInput struct {
	value []rune
	pos   int
	limit int
}

func (in *lineInput) Value() string { return string(in.value) }
func (in *lineInput) Reset()        { in.value, in.pos = nil, 0 }

func (in *lineInput) insert(s string) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	rs := []rune(s)
	if in.limit > 0 && len(in.value)+len(rs) > in.limit {
		rs = rs[:max(0, in.limit-len(in.value))]
	}
	in.value = append(in.value[:in.pos], append(rs, in.value[in.pos:]...)...)
	in.pos += len(rs)
}

// Update handles a key press or a paste; it reports whether it used msg.
func (in *lineInput) Update(msg tea.Msg) bool {
	switch m := msg.(type) {
	case tea.PasteMsg:
		in.insert(m.Content)
		return true
	case tea.KeyPressMsg:
		switch m.String() {
		case "backspace", "ctrl+h":
			if in.pos > 0 {
				in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
				in.pos--
			}
		case "delete", "ctrl+d":
			if in.pos < len(in.value) {
				in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
			}
		case "left", "ctrl+b":
			in.pos = max(0, in.pos-1)
		case "right", "ctrl+f":
			in.pos = min(len(in.value), in.pos+1)
		case "home", "ctrl+a":
			in.pos = 0
		case "end", "ctrl+e":
			in.pos = len(in.value)
		case "ctrl+u":
			in.value = append([]rune(nil), in.value[in.pos:]...)
			in.pos = 0
		case "ctrl+k":
			in.value = in.value[:in.pos]
		default:
			if m.Text == "" || m.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
				return false
			}
			in.insert(m.Text)
		}
		return true
	}
	return false
}

// View renders the field in width cells; the cursor is a reversed cell when
// focused. The text scrolls so the cursor stays visible.
func (in *lineInput) View(width int, focused bool, placeholder string, st *theme.Styles) string {
	if width <= 0 {
		return ""
	}
	if len(in.value) == 0 {
		cur := ""
		if focused {
			cur = st.Text.Reverse(true).Render(" ")
		}
		return theme.Fit(cur+st.Muted.Render(placeholder), width)
	}
	// Scroll by runes; wide runes may make this one cell off, fit trims.
	start := max(0, in.pos-(width-2))
	before := string(in.value[start:in.pos])
	var at, after string
	if in.pos < len(in.value) {
		at = string(in.value[in.pos])
		after = string(in.value[in.pos+1:])
	} else {
		at = " "
	}
	style := st.Text
	if !focused {
		style = st.Muted
		return theme.Fit(style.Render(before+strings.TrimSuffix(at, " ")+after), width)
	}
	s := style.Render(before) + st.Text.Reverse(true).Render(at) + style.Render(after)
	if ansi.StringWidth(s) > width {
		s = ansi.Truncate(s, width, "")
	}
	return theme.Fit(s, width)
}

package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/theme"
)

// TestClickSelectsMessage: a click on a message's row in the conversation
// selects it for the bytes view, at the narrow and the wide (framed) layout.
func TestClickSelectsMessage(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{120, 36}, {200, 60}} {
		m := fixtureModel(theme.ThemeDark, size[0], size[1])
		p := m.panes[common.PaneCalc].(*labPane)
		lines := strings.Split(ansi.Strip(m.render()), "\n")
		y, x := -1, -1
		for i, l := range lines {
			if j := strings.Index(l, `send(5) = 27 "error`); j >= 0 {
				y, x = i, len([]rune(l[:j]))
			}
		}
		if y < 0 {
			t.Fatalf("%v: the send row is not on screen", size)
		}
		m.Update(tea.MouseClickMsg{X: x + 2, Y: y, Button: tea.MouseLeft})
		sel := p.selected()
		if sel.Op.String() != "send" || sel.Actor != "server" || sel.Result != 27 {
			t.Fatalf("%v: a click on the send row selected %v %s %q", size, sel.Actor, sel.Op, sel.Data)
		}
		if !strings.Contains(ansi.Strip(m.render()), "server send(5) = 27") {
			t.Fatalf("%v: the bytes view does not show the clicked message", size)
		}
		// A click on a blank line changes nothing.
		m.Update(tea.MouseClickMsg{X: 0, Y: 0, Button: tea.MouseLeft})
		if p.selected().Seq != sel.Seq {
			t.Fatalf("%v: a click on the tab bar changed the selection", size)
		}
	}
}

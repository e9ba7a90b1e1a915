package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/socklab/socklab/ui/common"
)

// helpKeys adapts a KeyMap to bubbles/help for the situation on screen:
// the pane in front says which of its keys matter now (first the one a
// newcomer most likely wants next); the root adds the global ones.
type helpKeys struct {
	k      common.KeyMap
	typing bool
	short  []key.Binding   // the pane's keys for the footer
	full   [][]key.Binding // the pane's columns for the overlay
	single bool            // one pane (socklab class / connect): no pane keys
}

// ShortHelp is the one-line footer.
func (h helpKeys) ShortHelp() []key.Binding {
	k := h.k
	short := h.short[:len(h.short):len(h.short)]
	switch {
	case h.typing && h.single:
		return append(short, k.ForceQuit)
	case h.typing:
		return append(short, k.NextPane, k.ForceQuit)
	case h.single:
		return append(short, k.Help, k.Quit)
	}
	return append(short, k.NextPane, k.Help, k.Quit)
}

// FullHelp is the overlay shown on ?.
func (h helpKeys) FullHelp() [][]key.Binding {
	k := h.k
	global := []key.Binding{k.NextPane, k.PrevPane, k.Pane1, k.Pane2, k.Pane3, k.Help, k.Quit, k.ForceQuit}
	if h.single {
		global = []key.Binding{k.Help, k.Quit, k.ForceQuit}
	}
	return append([][]key.Binding{global}, h.full...)
}

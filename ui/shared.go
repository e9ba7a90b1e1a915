package ui

import "github.com/socklab/socklab/ui/theme"

// Shared is what every pane reads at View time, wherever it lives: the
// styles (replaced by the root when the theme or the background changes,
// so a pane keeps the pointer to Shared, never a copy of the styles) and
// the key bindings.
type Shared struct {
	Styles *theme.Styles
	Keys   KeyMap
}

// paneID names a pane; messages produced by a pane's commands carry it so
// the root hands them back to the pane that asked.
type paneID int

const (
	paneLessons paneID = iota
	paneEcho
	paneCalc
	paneCount
)

// targeted is implemented by messages meant for one pane.
type targeted interface{ target() paneID }

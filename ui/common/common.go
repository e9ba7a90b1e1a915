// Package common is what the root model shares with every pane, wherever
// the pane lives (as Crush's common package): the styles and key bindings
// (Common), the panes' IDs and the Targeted messages that carry them back
// to the pane that asked. It imports only ui/theme and bubbles' key, so a
// pane in a sub-package imports it instead of ui.
package common

import "github.com/socklab/socklab/ui/theme"

// Common is what every pane reads at View time, wherever it lives: the
// styles (replaced by the root when the theme or the background changes,
// so a pane keeps a pointer to its Common, never a copy of the styles)
// and the key bindings. The root's ui.Common embeds it.
type Common struct {
	Styles *theme.Styles
	Keys   KeyMap
}

// PaneID names a pane; messages produced by a pane's commands carry it so
// the root hands them back to the pane that asked.
type PaneID int

const (
	PaneLessons PaneID = iota
	PaneEcho
	PaneCalc
	PaneCount
)

// Targeted is implemented by messages meant for one pane.
type Targeted interface{ Target() PaneID }

package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/theme"
)

// Common is what the root shares with its panes: common.Common (styles,
// keys: all a pane in a sub-package sees), the options, and the fit memo. The
// root owns it and replaces Styles when the theme or the terminal
// background changes; panes read it at View time and never keep copies of
// styles.
type Common struct {
	common.Common
	Opts Options
	// fits keeps fitted lines from one frame to the next (the root ends
	// each frame); nil in a Common a test builds by hand.
	fits *theme.FitMemo
}

// pane is what the root needs from a pane. Panes are plain structs, not
// tea.Models: only the root returns a tea.View.
type pane interface {
	// Title is the tab label.
	Title() string
	// Init starts the pane's work (a lab, its event loop) the first time the
	// pane is shown; it is called once. No I/O here: return commands.
	Init() tea.Cmd
	// Update handles keys (only when the pane has focus and no overlay is
	// open), window sizes, and the pane's own messages (see common.Targeted).
	Update(msg tea.Msg) tea.Cmd
	// View renders the pane body in exactly width x height cells. Pure: no
	// I/O, no locks held by sockets, no mutation.
	View(width, height int) string
	// Status is the pane's part of the status line (address, mode, counts).
	Status() string
	// Typing reports whether a text field has focus: then single-key
	// commands (q, 1, 2, 3, ?) are typed instead of run.
	Typing() bool
	// Help lists the pane's keys that matter now, for the footer (most
	// likely next key first), and all of them in columns for the overlay.
	// The root adds the global keys (panes, help, quit).
	Help() (short []key.Binding, full [][]key.Binding)
	// Close releases every socket of the pane; it must return promptly.
	Close()
}

// bodySizeMsg is sent to every pane when the window size changes: the size
// of the pane body, for panes that page through rows.
type bodySizeMsg struct{ w, h int }

// bodyClickMsg is sent to the pane in front when the left button is
// clicked inside its body, at body coordinates.
type bodyClickMsg struct{ x, y int }

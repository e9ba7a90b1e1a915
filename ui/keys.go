package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding of the program, grouped by who handles it.
// The root builds one with DefaultKeyMap and hands it to panes through
// *Common; nothing else names raw key strings.
type KeyMap struct {
	// Root.
	Quit      key.Binding // q: only when no text field has focus
	ForceQuit key.Binding // ctrl+c: always
	Help      key.Binding
	NextPane  key.Binding
	PrevPane  key.Binding
	Pane1     key.Binding
	Pane2     key.Binding
	Pane3     key.Binding

	// Lab panes.
	ToggleStep   key.Binding
	StepNext     key.Binding
	AddClient    key.Binding
	RemoveClient key.Binding
	FocusInput   key.Binding
	LeaveInput   key.Binding
	Send         key.Binding
	SelectUp     key.Binding
	SelectDown   key.Binding
	ScrollUp     key.Binding
	ScrollDown   key.Binding
}

// DefaultKeyMap returns the bindings described in the issue.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:         b("q", "quit", "q"),
		ForceQuit:    b("ctrl+c", "quit", "ctrl+c"),
		Help:         b("?", "help", "?"),
		NextPane:     b("tab", "next pane", "tab"),
		PrevPane:     b("shift+tab", "prev pane", "shift+tab"),
		Pane1:        b("1", "lessons", "1"),
		Pane2:        b("2", "echo", "2"),
		Pane3:        b("3", "calculator", "3"),
		ToggleStep:   b("s", "run/step", "s"),
		StepNext:     b("n/space", "next call", "n", "space"),
		AddClient:    b("+", "add client", "+", "="),
		RemoveClient: b("-", "close client", "-"),
		FocusInput:   b("i", "type", "i"),
		LeaveInput:   b("esc", "leave input", "esc"),
		Send:         b("enter", "send", "enter"),
		SelectUp:     b("↑", "older msg", "up"),
		SelectDown:   b("↓", "newer msg", "down"),
		ScrollUp:     b("pgup", "scroll up", "pgup"),
		ScrollDown:   b("pgdn", "scroll down", "pgdown"),
	}
}

// helpKeys adapts a KeyMap to bubbles/help for one situation: typing in a
// field or commanding with single keys.
type helpKeys struct {
	k      KeyMap
	typing bool
}

// ShortHelp is the one-line footer.
func (h helpKeys) ShortHelp() []key.Binding {
	k := h.k
	if h.typing {
		return []key.Binding{k.Send, k.LeaveInput, k.NextPane, k.SelectUp, k.ForceQuit}
	}
	return []key.Binding{k.ToggleStep, k.StepNext, k.AddClient, k.RemoveClient, k.FocusInput, k.NextPane, k.Help, k.Quit}
}

// FullHelp is the overlay shown on ?.
func (h helpKeys) FullHelp() [][]key.Binding {
	k := h.k
	return [][]key.Binding{
		{k.NextPane, k.PrevPane, k.Pane1, k.Pane2, k.Pane3, k.Help, k.Quit, k.ForceQuit},
		{k.ToggleStep, k.StepNext, k.AddClient, k.RemoveClient},
		{k.FocusInput, k.LeaveInput, k.Send, k.SelectUp, k.SelectDown, k.ScrollUp, k.ScrollDown},
	}
}

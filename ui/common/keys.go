package common

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
	KernelPort   key.Binding // a failed server: bind port 0 instead
	RetryPort    key.Binding
	FocusInput   key.Binding
	LeaveInput   key.Binding
	Send         key.Binding
	SelectUp     key.Binding
	SelectDown   key.Binding
	ScrollUp     key.Binding
	ScrollDown   key.Binding
	// Both panes.
	Packets  key.Binding // w: calls only / calls and the captured segments
	SegOlder key.Binding // [ and ] pick a segment in a lesson's ladder
	SegNewer key.Binding
	SegClose key.Binding

	// Class pane (socklab class).
	HoldAccept key.Binding // hold or free the server's accept calls
	AcceptOne  key.Binding // let one held accept run
	LaneUp     key.Binding
	LaneDown   key.Binding
	LaneFirst  key.Binding
	LaneLast   key.Binding
	RoomView   key.Binding // students / connections
	RoomSort   key.Binding // by address, activity, errors
	RoomOpen   key.Binding // fold or unfold the selected student's connections
	RoomDetail key.Binding // the selected student's ladder and transcript
	RoomRemove key.Binding // remove the selected student (asks first)
	RoomBanner key.Binding // the join banner

	// Lesson is the lesson pane's group (as Crush groups its keys by the
	// part that handles them): k.Lesson.Next.
	Lesson struct {
		Next, Prev, Restart, List key.Binding
		Hint, Checks, Code        key.Binding
		Auto, Faster, Slower      key.Binding
		Up, Down, Choose          key.Binding // the list's rows, a question's choices
	}
}

// DefaultKeyMap returns the bindings described in the issue.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	km := KeyMap{
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
		KernelPort:   b("k", "kernel picks a port", "k"),
		RetryPort:    b("r", "try the port again", "r"),
		FocusInput:   b("i/enter", "type", "i", "enter"),
		LeaveInput:   b("esc", "leave input", "esc"),
		Send:         b("enter", "send", "enter"),
		SelectUp:     b("↑", "older msg", "up"),
		SelectDown:   b("↓", "newer msg", "down"),
		ScrollUp:     b("pgup", "scroll up", "pgup"),
		ScrollDown:   b("pgdn", "scroll down", "pgdown"),
		Packets:      b("w", "packets on/off", "w"),
		SegOlder:     b("[/]", "pick a segment", "["),
		SegNewer:     b("]", "newer segment", "]"),
		SegClose:     b("esc", "close the segment", "esc"),

		HoldAccept: b("s", "hold accept", "s"),
		AcceptOne:  b("n/space", "accept one", "n", "space"),
		LaneUp:     b("↑/↓", "scroll", "up", "k"),
		LaneDown:   b("↓", "down", "down", "j"),
		LaneFirst:  b("home", "first", "home", "g"),
		LaneLast:   b("end", "newest", "end", "G"),
		RoomView:   b("v", "students/connections", "v"),
		RoomSort:   b("o", "sort", "o"),
		RoomOpen:   b("f", "fold/unfold", "f", "right"),
		RoomDetail: b("enter", "student's detail", "enter"),
		RoomRemove: b("x", "remove student", "x"),
		RoomBanner: b("b", "join banner", "b"),
	}
	km.Lesson.Next = b("n", "next step", "n", "right", "space")
	km.Lesson.Prev = b("p", "back", "p", "left")
	km.Lesson.Restart = b("r", "restart", "r")
	km.Lesson.List = b("l", "lessons", "l")
	km.Lesson.Hint = b("h", "hint", "h")
	km.Lesson.Checks = b("x", "show checks", "x")
	km.Lesson.Code = b("c", "python/go", "c")
	km.Lesson.Auto = b("a", "autoplay", "a")
	km.Lesson.Faster = b("+", "faster", "+", "=")
	km.Lesson.Slower = b("-", "slower", "-")
	km.Lesson.Up = b("↑/↓", "choose", "up", "k")
	km.Lesson.Down = b("↓", "down", "down", "j")
	km.Lesson.Choose = b("enter", "open", "enter")
	return km
}

// Relabel is b with another help text (the same keys), for footers that
// say what a key does right now ("enter answer" vs "enter open").
func Relabel(b key.Binding, help, desc string) key.Binding {
	b.SetHelp(help, desc)
	return b
}

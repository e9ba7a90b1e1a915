package ui

// Minimum terminal size; below it the view says so instead of drawing.
const (
	minWidth  = 80
	minHeight = 24
)

// rect is a region of the screen in cells.
type rect struct{ x, y, w, h int }

// layout is where the root draws: tab bar, pane body, status line, footer.
type layout struct {
	tooSmall bool
	tabs     rect
	body     rect
	status   rect
	footer   rect
}

// generateLayout computes the root layout from the window size. Pure.
func generateLayout(w, h int) layout {
	if w < minWidth || h < minHeight {
		return layout{tooSmall: true}
	}
	return layout{
		tabs:   rect{0, 0, w, 1},
		body:   rect{0, 1, w, h - 3},
		status: rect{0, h - 2, w, 1},
		footer: rect{0, h - 1, w, 1},
	}
}

// labLayout is where a lab pane draws its parts inside its body.
type labLayout struct {
	wide       bool
	sockets    rect // narrow: server and clients side by side
	server     rect // wide: left column, stacked
	clients    rect
	ladder     rect
	bytes      rect
	transcript rect
	input      rect
}

// generateLabLayout splits a lab pane's body. sockRows is how many socket
// lines the server and the clients want (the larger of the two in narrow
// mode, the sum in wide mode, counted separately). Pure.
func generateLabLayout(w, h, serverRows, clientRows int) labLayout {
	if w >= 120 && h >= 28 {
		left := w * 2 / 5
		right := w - left - 2
		l := labLayout{wide: true, ladder: rect{left + 2, 0, right, h}}
		y := 0
		sh := 1 + min(serverRows, 9)
		l.server = rect{0, y, left, sh}
		y += sh + 1
		ch := 1 + min(clientRows, 9)
		l.clients = rect{0, y, left, ch}
		y += ch + 1
		l.bytes = rect{0, y, left, 7}
		y += 8
		l.input = rect{0, h - 1, left, 1}
		l.transcript = rect{0, y, left, max(0, h-1-y)}
		return l
	}
	l := labLayout{}
	sockH := 1 + min(max(serverRows, clientRows), 4)
	l.sockets = rect{0, 0, w, sockH}
	l.input = rect{0, h - 1, w, 1}
	l.transcript = rect{0, h - 3, w, 2}
	l.bytes = rect{0, h - 6, w, 3}
	l.ladder = rect{0, sockH, w, max(0, h-6-sockH)}
	return l
}

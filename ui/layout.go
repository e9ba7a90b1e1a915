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
//
// The ladder needs about ladderWant columns for its rows to fit whole (a
// client's call, the arrow lane, the server's call); it gets them before
// the other parts get a column of their own beside it, so no row is cut
// while space is left blank elsewhere.
func generateLabLayout(w, h, serverRows, clientRows int) labLayout {
	const ladderWant = 130
	if w >= ladderWant+50 && h >= 28 {
		left := min(w*2/5, w-ladderWant-2)
		right := w - left - 2
		// Wide: every part in a frame with its title in the top border, so
		// a room looking at a projector can tell the parts apart. A frame
		// takes two rows and two columns: the narrow layouts have no room
		// for it and keep a title line instead.
		l := labLayout{wide: true, ladder: rect{left + 1, 0, right + 1, h}}
		y := 0
		sh := 2 + min(serverRows, 9)
		l.server = rect{0, y, left, sh}
		y += sh
		ch := 2 + min(clientRows, 9)
		l.clients = rect{0, y, left, ch}
		y += ch
		// A selected segment has headers and a hex dump to show: the bytes
		// panel grows with a tall screen, the transcript takes the rest.
		bh := 8
		if h >= 48 {
			bh = 14
		}
		l.bytes = rect{0, y, left, bh}
		y += bh
		l.input = rect{0, h - 1, left, 1}
		l.transcript = rect{0, y, left, max(0, h-1-y)}
		return l
	}
	l := labLayout{}
	sockH := 1 + min(max(serverRows, clientRows), 4)
	// A taller screen gives the transcript more lines too (2 at 24 rows).
	trH := min(8, max(2, (h-20)/3+2))
	l.sockets = rect{0, 0, w, sockH}
	l.input = rect{0, h - 1, w, 1}
	l.transcript = rect{0, h - 1 - trH, w, trH}
	l.bytes = rect{0, h - 4 - trH, w, 3}
	l.ladder = rect{0, sockH, w, max(0, h-4-trH-sockH)}
	return l
}

package ladder

import (
	"strings"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/theme"
)

// ladderLine is one line of a ladder's history: an event's row, or the
// state row of a call whose state was read after segments that are drawn
// below the call (close returns in FIN_WAIT1; TIME_WAIT comes with the
// peer's FIN). A state is drawn where it was read: on the call's row when
// no segment of its connection came between, else on a row of its own
// right below the last segment captured before the read.
type ladderLine struct {
	ix    int  // index into the events
	state bool // the state row of events[ix], not its call row
	moved bool // a call row whose state is drawn on a later state row
}

// planLines picks the events a ladder draws (the same as always) and places
// the state rows. What can be drawn between a call and its state read and
// have changed the state: a segment of its connection, and the other end's
// close or shutdown (the FIN's cause), which a ladder of both ends draws
// with or without packets (socklab run with two programs: the server's
// sendto read CLOSE_WAIT after the client's close, drawn below it).
func planLines(events []event.Event, packets bool, drawn func(event.Event) bool) []ladderLine {
	var base []int
	for i, e := range events {
		if drawn(e) {
			base = append(base, i)
		}
	}
	lines := make([]ladderLine, 0, len(base))
	// after[k] lists the calls whose state row follows base row k.
	after := map[int][]int{}
	moved := map[int]bool{}
	for k, ix := range base {
		e := events[ix]
		if e.Kind != event.KindCall || !statesShown(e) || e.StateAt.IsZero() || !e.Remote.IsValid() {
			continue
		}
		last := -1
		// Rows are in the log's order (by At): what could be in the state
		// is right below the call, up to the read.
		for j := k + 1; j < len(base); j++ {
			p := events[base[j]]
			if p.At.After(e.StateAt) {
				break
			}
			if packets && p.Kind == event.KindPacket && p.Pkt != nil && sameConn(e, p.Pkt) || p.EndsPeerOf(&e) {
				last = j
			}
		}
		if last >= 0 {
			moved[ix] = true
			after[last] = append(after[last], ix)
		}
	}
	for k, ix := range base {
		lines = append(lines, ladderLine{ix: ix, moved: moved[ix]})
		for _, c := range after[k] {
			lines = append(lines, ladderLine{ix: c, state: true})
		}
	}
	return lines
}

// sameConn reports whether the segment belongs to the call's connection.
func sameConn(e event.Event, p *event.Packet) bool {
	lp, rp := e.Local.Port(), e.Remote.Port()
	sp, dp := p.Seg.Src.Port(), p.Seg.Dst.Port()
	return (sp == lp && dp == rp) || (sp == rp && dp == lp)
}

// stateRowText is a state row's text: who read it, and the state.
func stateRowText(e event.Event, st *theme.Styles) (string, bool) {
	text := st.Muted.Render("state now ") + st.Kernel.Render(e.State.String())
	client := IsClient(e.Role)
	if client {
		text = st.Client.Render(ShortActor(e.Actor)) + " " + text
	}
	return text, client
}

// shownEvent is the event as its row draws it: a call whose state has a row
// of its own shows none.
func shownEvent(e event.Event, r ladderLine) event.Event {
	if r.moved {
		e.State = event.StateNone
	}
	return e
}

// stateRow draws a state row on its actor's side, between the lifelines'
// bars as a call row is.
func stateRow(e event.Event, left, lane, right int, st *theme.Styles, remote bool) string {
	width := left + lane + 2 + right
	text, client := stateRowText(e, st)
	bar := st.Muted.Render("│")
	rbar := bar
	if remote {
		rbar = st.Muted.Render("┊")
	}
	arrow := strings.Repeat(" ", lane)
	if client {
		return theme.Fit(" "+theme.FitRight(text, left-1)+bar+arrow+rbar, width)
	}
	return theme.Fit(" "+strings.Repeat(" ", left-1)+bar+arrow+rbar+theme.Fit(text, right), width)
}

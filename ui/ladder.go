package ui

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/safetext"
)

// LadderOpts are the live parts of a ladder diagram besides the history.
type LadderOpts struct {
	Selected uint64         // Seq of the selected event; 0: none
	Pending  []netlab.Event // calls waiting at the step gate, oldest first
	Blocked  []netlab.Event // calls blocked in the kernel
	Lost     uint64         // events not in the history (dropped or trimmed)
	Stepping bool
	// Packets draws the captured segments as arrows between the lifelines
	// and no arrow for a call (the wire says what crossed). Without it a
	// call's lane shows the segments its socket counted (TCP_INFO): with
	// the wire off nothing is drawn that was not captured.
	Packets bool
	// Rows, when set, receives the Seq of the event on each line drawn (0
	// for lines that are no event): how a click finds its message.
	Rows *[]uint64
	// Remote, when set, is a server on another machine (socklab connect):
	// its lifeline is drawn dotted with a line saying that its calls are not
	// seen, and what the client's recv got is drawn coming back from it.
	Remote netip.AddrPort
}

// remoteNote is the line under a remote server's header.
const remoteNote = "what the server did is not visible from here; what came back is"

// isClient reports whether a role draws on the client lifeline.
func isClient(r netlab.Role) bool { return r == netlab.RoleClient }

// roleStyle picks the style for a role.
func roleStyle(r netlab.Role, st *Styles) lipgloss.Style {
	if isClient(r) {
		return st.Client
	}
	return st.Server
}

// shortActor is "c1" for "client 1", the actor's name otherwise.
func shortActor(actor string) string {
	if n, ok := strings.CutPrefix(actor, "client "); ok {
		return "c" + n
	}
	return actor
}

// ladderCols splits a width into client text, arrow lane and server text.
func ladderCols(width int) (left, lane, right int) {
	lane = min(max(width/7, 12), 22)
	left = (width - lane - 2) / 2
	right = width - left - lane - 2
	return left, lane, right
}

// RenderLadder draws the conversation as a sequence (ladder) diagram: the
// client lifeline on the left, the server's on the right, one row per call
// in time order, arrows where bytes leave an actor. The newest rows are at
// the bottom (scrolled to keep Selected visible); blocked and pending calls
// follow the history. Pure: the lesson pane uses it too.
func RenderLadder(events []netlab.Event, width, height int, st *Styles, o LadderOpts) string {
	if width < 20 || height < 2 {
		return block(nil, width, height)
	}
	// The live tail (blocked and pending calls) and its size come first:
	// they decide how many history rows fit.
	type tailRow struct {
		e    netlab.Event
		kind rowKind
	}
	var tailRows []tailRow
	for _, e := range o.Blocked {
		tailRows = append(tailRows, tailRow{e, rowBlocked})
	}
	for i, e := range o.Pending {
		// Only the oldest is NEXT: n lets exactly that one through.
		kind := rowPending
		if i > 0 {
			kind = rowQueued
		}
		tailRows = append(tailRows, tailRow{e, kind})
	}
	explain := ""
	if len(o.Pending) > 0 {
		explain = netlab.Explain(o.Pending[0].Op)
	}
	tailLen := len(tailRows)
	if explain != "" {
		tailLen++
	}
	tailLen = min(tailLen, height-2)
	room := height - 1 - tailLen
	remote := o.Remote.IsValid()
	if remote && room > 1 {
		room-- // the line saying what cannot be seen
	}

	// Indices of the drawable rows; events are not copied (View runs
	// every frame, the history can hold thousands).
	rows := make([]int, 0, min(len(events), 4*room+16))
	for i, e := range events {
		// A connect's blocked event is a row too: its SYN left then, before
		// the accept that answers it (netlab's ordering rule).
		if e.Kind == netlab.KindCall || e.Kind == netlab.KindNote || (e.Kind == netlab.KindBlocked && e.Op == netlab.OpConnect) ||
			(e.Kind == netlab.KindLab && e.Op == netlab.OpWire) || (o.Packets && e.Kind == netlab.KindPacket && e.Pkt != nil) {
			rows = append(rows, i)
		}
	}
	segs := segDeltas{}
	if !o.Packets {
		segs = countSegs(events)
	}
	end := len(rows)
	if o.Selected != 0 {
		for i, ix := range rows {
			if events[ix].Seq == o.Selected && i < end-room {
				end = min(len(rows), i+1+room/2)
				break
			}
		}
	}
	start := max(0, end-room)

	// The lifelines go where the rows on screen need them: each side as
	// wide as its longest text when the width allows, so no row is cut
	// while space is left blank.
	needL, needR := len("client"), len("server")
	if remote {
		needR = len("server (remote)")
	}
	measure := func(e netlab.Event, kind rowKind) {
		if e.Kind == netlab.KindNote || e.Kind == netlab.KindLab || (e.Role == netlab.RoleLab && e.Kind != netlab.KindPacket) {
			return // drawn across the diagram, not on a side
		}
		text, client := rowText(e, st, kind)
		if client {
			needL = max(needL, ansi.StringWidth(text)+1)
		} else {
			needR = max(needR, ansi.StringWidth(text))
		}
	}
	for _, ix := range rows[start:end] {
		measure(events[ix], rowNormal)
	}
	for _, t := range tailRows {
		measure(t.e, t.kind)
	}
	left, lane, right := ladderCols(width)
	if over := needL + lane + 2 + needR - width; over > 0 && lane > 12 {
		lane = max(12, lane-over) // a narrower lane before a cut row
		left, right = (width-lane-2)/2, width-(width-lane-2)/2-lane-2
	}
	switch {
	case needL+lane+2+needR <= width:
		left = needL + (width-needL-lane-2-needR)/2
		right = width - left - lane - 2
	case needL < left:
		left = needL
		right = width - left - lane - 2
	case needR < right:
		right = needR
		left = width - right - lane - 2
	}
	bar := st.Muted.Render("│")
	rbar, rtop, rname := bar, st.Muted.Render("┬"), st.Server.Bold(true).Render("server")
	if remote {
		rbar, rtop = st.Muted.Render("┊"), st.Muted.Render("┊")
		rname = st.Server.Bold(true).Render("server") + st.Muted.Render(" (remote)")
	}
	header := fitRight(st.Client.Bold(true).Render("client"), left) + st.Muted.Render("┬") +
		strings.Repeat(" ", lane) + rtop + rname

	var tail []string
	for i, t := range tailRows {
		tail = append(tail, ladderRow(t.e, left, lane, right, st, t.kind, nil, remote))
		if i == len(o.Blocked) && explain != "" {
			tail = append(tail, st.Pending.Render(fit("  ▶ "+explain, width)))
		}
	}
	if len(tail) > height-2 {
		tail = tail[len(tail)-(height-2):]
	}
	lines := []string{header}
	if remote && height-len(tail) > 2 {
		// Across the diagram, like the rows of the lab itself: the note is
		// about the whole right side.
		lines = append(lines, fit(st.Muted.Render("  ┊ "+remoteNote), width))
	}
	if (start > 0 || o.Lost > 0) && room > 1 {
		// One row says how much is above, so a scrolled or trimmed
		// diagram never looks like the beginning of the conversation.
		start = max(start, end-(room-1))
		above := uint64(start) + o.Lost
		lines = append(lines, fit(st.Muted.Render(fmt.Sprintf("  ⋮ %d earlier calls above", above)), width))
	}
	rowStart := len(lines)
	for _, ix := range rows[start:end] {
		e := events[ix]
		kind := rowNormal
		if e.Seq == o.Selected {
			kind = rowSelected
		}
		lines = append(lines, ladderRow(e, left, lane, right, st, kind, segs[e.Seq], remote))
	}
	for len(lines) < height-len(tail) {
		lines = append(lines, strings.Repeat(" ", left)+bar+strings.Repeat(" ", lane)+rbar)
	}
	if o.Rows != nil {
		seqs := make([]uint64, len(lines), len(lines)+len(tail))
		for i, ix := range rows[start:end] {
			seqs[rowStart+i] = events[ix].Seq
		}
		*o.Rows = seqs
	}
	lines = append(lines, tail...)
	return block(lines, width, height)
}

type rowKind int

const (
	rowNormal rowKind = iota
	rowSelected
	rowPending
	rowQueued // at the step gate behind the NEXT call
	rowBlocked
)

// ladderRow renders one event as one line.
// rowText is a row's text on its lifeline's side, and whether that side is
// the client's.
func rowText(e netlab.Event, st *Styles, kind rowKind) (string, bool) {
	if e.Kind == netlab.KindPacket {
		return packetSide(e, st, kind), isClient(e.Pkt.FromRole)
	}
	var text string
	switch kind {
	case rowPending:
		text = st.Pending.Render("▶ NEXT "+callName(e)) + st.Muted.Render(" · press n")
	case rowQueued:
		text = st.Muted.Render("… then " + callName(e) + " waits its turn")
	case rowBlocked:
		text = st.Blocked.Render("⧗ " + callName(e) + " blocked in kernel")
	case rowSelected:
		text = st.Selected.Render(ansi.Strip(callText(e, st)))
	default:
		text = callText(e, st)
	}
	client := isClient(e.Role)
	if client {
		text = st.Client.Render(shortActor(e.Actor)) + " " + text
	}
	return text, client
}

func ladderRow(e netlab.Event, left, lane, right int, st *Styles, kind rowKind, d *segDelta, remote bool) string {
	width := left + lane + 2 + right
	if e.Kind == netlab.KindNote {
		return fit(st.Muted.Render("  · "+e.Actor+": "+e.Note), width)
	}
	if e.Kind == netlab.KindLab {
		s := st.Muted
		if e.Result == 0 {
			s = st.Error
		}
		return fit(s.Render("  · "+e.Note), width)
	}
	if e.Role == netlab.RoleLab && e.Kind != netlab.KindPacket {
		// A read the lab made (a sysctl): a kernel fact, but no one's call
		// in the conversation, so it spans the diagram.
		return fit(st.Muted.Render("  · "+e.Actor+": ")+e.Op.String()+"("+e.Text+") = "+st.Kernel.Render(safetext.String(strings.Join(strings.Fields(string(e.Data)), " "))), width)
	}
	text, client := rowText(e, st, kind)
	arrow := strings.Repeat(" ", lane)
	switch {
	case kind != rowNormal && kind != rowSelected:
	case e.Kind == netlab.KindPacket:
		arrow = packetArrow(e, lane, st)
	case d != nil:
		arrow = segsLane(*d, lane, st)
	}
	bar := st.Muted.Render("│")
	rbar := bar
	if remote {
		rbar = st.Muted.Render("┊")
	}
	// The first cell is the selection marker, so the lifelines never move.
	mark := " "
	if kind == rowSelected {
		mark = st.Selected.Render("▸")
	}
	if client {
		return fit(mark+fitRight(text, left-1)+bar+arrow+rbar, width)
	}
	return fit(mark+strings.Repeat(" ", left-1)+bar+arrow+rbar+fit(text, right), width)
}

// callName is the call with its fd: "recv(9)".
func callName(e netlab.Event) string {
	name := e.Op.String()
	switch e.Op {
	case netlab.OpSocket:
		return "socket()"
	case netlab.OpBind:
		return name + "(" + strconv.Itoa(e.FD) + ", " + e.Args.Addr.String() + ")"
	case netlab.OpConnect:
		// the peer's host is in the socket table
		return name + "(" + strconv.Itoa(e.FD) + ", " + portText(e.Args.Addr) + ")"
	case netlab.OpListen:
		return name + "(" + strconv.Itoa(e.FD) + ", " + strconv.Itoa(e.Args.Backlog) + ")"
	}
	if e.FD >= 0 {
		return name + "(" + strconv.Itoa(e.FD) + ")"
	}
	return name + "()"
}

// callText is "recv(9) = 6 "2+3*4\n"" with the parts in their roles.
func callText(e netlab.Event, st *Styles) string {
	if e.Kind == netlab.KindBlocked {
		// Kept in the history only for a connect: its SYN left here. The
		// state is on the row where it returns (on loopback the handshake
		// is often over before this row's state read, which would put
		// EINPROGRESS beside ESTABLISHED).
		return callName(e) + " " + st.Kernel.Render("EINPROGRESS")
	}
	s := callName(e) + " = " + st.Kernel.Render(strconv.Itoa(e.Result))
	if e.Failed() {
		return s + " " + st.Error.Render(e.ErrText())
	}
	switch {
	case e.Op == netlab.OpAccept:
		s += st.Muted.Render(" new socket")
		if e.Remote.IsValid() {
			s += " ← " + st.Client.Render(portText(e.Remote))
		}
		if e.NewState != netlab.StateNone {
			s += " " + st.Kernel.Render(e.NewState.String())
		}
		return s
	case e.Op == netlab.OpConnect && e.Local.IsValid():
		s += st.Muted.Render(" from ") + st.Client.Render(portText(e.Local))
	case e.Op.Takes() && e.Result == 0:
		return s + " " + st.Kernel.Render("EOF") + stateSuffix(e, st)
	}
	if len(e.Data) > 0 {
		s += " " + st.Wire.Render(quoteShort(e.Data))
	}
	return s + stateSuffix(e, st)
}

func stateSuffix(e netlab.Event, st *Styles) string {
	if e.State == netlab.StateNone || e.State == netlab.StateEstablished && e.Op != netlab.OpConnect {
		return ""
	}
	return " " + st.Kernel.Render(e.State.String())
}

func portText(a interface{ Port() uint16 }) string { return ":" + strconv.Itoa(int(a.Port())) }

// LadderWidth is how many columns RenderLadder needs for the last rows
// of events (those a ladder rows high shows) to be drawn whole: the longest
// client-side text, a lane of 14, the longest server-side text. A layout
// uses it to give the ladder room before other parts.
func LadderWidth(events []netlab.Event, rows int, st *Styles, packets bool) int {
	needL, needR := len("client"), len("server")
	n := 0
	for i := len(events) - 1; i >= 0 && n < rows; i-- {
		e := events[i]
		switch {
		case e.Kind == netlab.KindPacket && !packets, e.Kind == netlab.KindPacket && e.Pkt == nil:
			continue
		case e.Kind == netlab.KindCall, e.Kind == netlab.KindPacket, e.Kind == netlab.KindBlocked && e.Op == netlab.OpConnect:
		default:
			continue
		}
		if e.Role == netlab.RoleLab && e.Kind != netlab.KindPacket {
			continue
		}
		n++
		text, client := rowText(e, st, rowNormal)
		if client {
			needL = max(needL, ansi.StringWidth(text)+1)
		} else {
			needR = max(needR, ansi.StringWidth(text))
		}
	}
	return needL + 14 + 2 + needR
}

// ladderQuote is how much of a payload a ladder row quotes: a row is read
// at a glance; the bytes view shows the whole message.
const ladderQuote = 24

// quoteShort quotes a payload for a ladder row, eliding inside the quotes
// (so the row itself is never cut): "error: unknown name 'h…".
func quoteShort(p []byte) string {
	s := []rune(printable(p))
	if len(s) > ladderQuote {
		return `"` + string(s[:ladderQuote-1]) + `…"`
	}
	return `"` + string(s) + `"`
}

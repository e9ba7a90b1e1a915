package ladder

import (
	"cmp"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/safetext"
	"github.com/socklab/socklab/ui/theme"
)

// Opts are the live parts of a ladder diagram besides the history.
type Opts struct {
	Selected uint64 // Seq of the selected event; 0: none
	// Follow keeps the newest rows in view even when Selected is older
	// (a pane that follows the newest message highlights it but must still
	// show what came after it: a new client's handshake).
	Follow   bool
	Pending  []event.Event // calls waiting at the step gate, oldest first
	Blocked  []event.Event // calls blocked in the kernel
	Lost     uint64        // events not in the history (dropped or trimmed)
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
	// ServerName, when set, is the name over the server's lifeline instead
	// of "server": socklab run with two programs says which one serves.
	ServerName string

	// cache, when set, keeps rows between frames (a pane's own; see
	// Cache).
	Cache *Cache
}

// RemoteNote is the line under a remote server's header.
const RemoteNote = "what the server did is not visible from here; what came back is"

// IsClient reports whether a role draws on the client lifeline.
func IsClient(r event.Role) bool { return r == event.RoleClient }

// roleStyle picks the style for a role.
func roleStyle(r event.Role, st *theme.Styles) lipgloss.Style {
	if IsClient(r) {
		return st.Client
	}
	return st.Server
}

// ShortActor is "c1" for "client 1", the actor's name otherwise.
func ShortActor(actor string) string {
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

// Render draws the conversation as a sequence (ladder) diagram: the
// client lifeline on the left, the server's on the right, one row per call
// in time order, arrows where bytes leave an actor. The newest rows are at
// the bottom (scrolled to keep Selected visible); blocked and pending calls
// follow the history. Pure: the lesson pane uses it too.
func Render(events []event.Event, width, height int, st *theme.Styles, o Opts) string {
	return theme.Block(Lines(events, width, height, st, o), width, height)
}

// ladderTailRow is a live call after the history: blocked or at the gate.
type ladderTailRow struct {
	e    event.Event
	kind rowKind
}

// ladderTail is the live tail (blocked and pending calls) and the line that
// explains the NEXT call: they come first, as they decide how many history
// rows fit.
func ladderTail(o Opts) ([]ladderTailRow, string) {
	var tail []ladderTailRow
	for _, e := range o.Blocked {
		tail = append(tail, ladderTailRow{e, rowBlocked})
	}
	for i, e := range o.Pending {
		// Only the oldest is NEXT: n lets exactly that one through.
		kind := rowPending
		if i > 0 {
			kind = rowQueued
		}
		tail = append(tail, ladderTailRow{e, kind})
	}
	explain := ""
	if len(o.Pending) > 0 {
		explain = event.Explain(o.Pending[0].Op)
	}
	return tail, explain
}

// ladderWindow is the range of rows shown: the newest room rows, or rows
// around Selected when a selected row is older and not followed.
func ladderWindow(rows []ladderLine, events []event.Event, o Opts, room int) (start, end int) {
	end = len(rows)
	if o.Selected != 0 && !o.Follow {
		for i, r := range rows {
			if !r.state && events[r.ix].Seq == o.Selected && i < end-room {
				end = min(len(rows), i+1+room/2)
				break
			}
		}
	}
	return max(0, end-room), end
}

// ladderNeeds is how wide each side's texts are: need* the widest rows,
// key* the widest connect, accept and bind rows (the rows that say who is
// connected to whom are the last ones cut).
type ladderNeeds struct{ needL, needR, keyL, keyR int }

// measure finds the sides' needs of the rows on screen, at a short-form
// level (0: the full texts; see compactCallText).
func (lm *ladderMeasure) measure(shown []ladderLine, tail []ladderTailRow, level int) ladderNeeds {
	n := ladderNeeds{needL: len("client"), needR: ansi.StringWidth(lm.serverName)}
	if lm.remote {
		n.needR += len(" (remote)")
	}
	for _, r := range shown {
		e := &lm.events[r.ix]
		if !r.state && spansLadder(e) {
			continue // drawn across the diagram, not on a side
		}
		w, client := lm.sideWidth(r, level)
		key := !r.state && (e.Op == event.OpConnect || e.Op == event.OpAccept || e.Op == event.OpBind) && e.Kind != event.KindPacket
		if client {
			n.needL = max(n.needL, w+1)
			if key {
				n.keyL = max(n.keyL, w+1)
			}
		} else {
			n.needR = max(n.needR, w)
			if key {
				n.keyR = max(n.keyR, w)
			}
		}
	}
	for _, t := range tail {
		text, client := rowText(t.e, lm.st, t.kind)
		if client {
			n.needL = max(n.needL, ansi.StringWidth(text)+1)
		} else {
			n.needR = max(n.needR, ansi.StringWidth(text))
		}
	}
	return n
}

// spansLadder reports whether an event's row goes across the diagram
// instead of on one side: notes, the lab's own lines, the lab's reads.
func spansLadder(e *event.Event) bool {
	return e.Kind == event.KindNote || e.Kind == event.KindLab || (e.Role == event.RoleLab && e.Kind != event.KindPacket)
}

// ladderMeasure measures rows' side texts, through the cache when there
// is one (the same rows are measured every frame).
type ladderMeasure struct {
	events     []event.Event
	st         *theme.Styles
	remote     bool
	cache      *Cache
	serverName string // over the server's lifeline: the right side is at least this wide
}

func (lm *ladderMeasure) sideWidth(r ladderLine, level int) (int, bool) {
	e := &lm.events[r.ix]
	if level > 0 && (r.state || e.Kind == event.KindPacket) {
		level = 0 // no short form
	}
	k := sideKey{seq: e.Seq, state: r.state, moved: r.moved, level: level}
	if w, client, ok := lm.cache.side(k); ok {
		return w, client
	}
	var text string
	var client bool
	shown := shownEvent(*e, r)
	switch {
	case r.state:
		text, client = stateRowText(shown, lm.st)
	case level > 0:
		client = IsClient(shown.Role)
		text = compactCallText(shown, lm.st, rowNormal, client, level)
	default:
		text, client = rowText(shown, lm.st, rowNormal)
	}
	w := ansi.StringWidth(text)
	lm.cache.putSide(k, w, client)
	return w, client
}

// ladderColumns lays the lifelines out where the rows on screen need them:
// each side as wide as its longest text when the width allows, so no row
// is cut while space is left blank.
func ladderColumns(width int, n ladderNeeds) (left, lane, right int) {
	left, lane, right = ladderCols(width)
	if over := n.needL + lane + 2 + n.needR - width; over > 0 && lane > 12 {
		lane = max(12, lane-over) // a narrower lane before a cut row
		left, right = (width-lane-2)/2, width-(width-lane-2)/2-lane-2
	}
	switch {
	case n.needL+lane+2+n.needR <= width:
		left = n.needL + (width-n.needL-lane-2-n.needR)/2
		right = width - left - lane - 2
	case n.needL < left:
		left = n.needL
		right = width - left - lane - 2
	case n.needR < right:
		right = n.needR
		left = width - right - lane - 2
	}
	switch {
	case n.keyL+lane+2+n.keyR > width:
	case left < n.keyL:
		left, right = n.keyL, width-n.keyL-lane-2
	case right < n.keyR:
		right, left = n.keyR, width-n.keyR-lane-2
	}
	return left, lane, right
}

// ladderHeader is the actors' names over their lifelines.
func ladderHeader(left, lane int, st *theme.Styles, remote bool, server string) string {
	rtop, rname := st.Muted.Render("┬"), st.Server.Bold(true).Render(server)
	if remote {
		rtop = st.Muted.Render("┊")
		rname = st.Server.Bold(true).Render(server) + st.Muted.Render(" (remote)")
	}
	return theme.FitRight(st.Client.Bold(true).Render("client"), left) + st.Muted.Render("┬") +
		strings.Repeat(" ", lane) + rtop + rname
}

// Lines is Render's lines, before they are made a block.
func Lines(events []event.Event, width, height int, st *theme.Styles, o Opts) []string {
	if width < 20 || height < 2 {
		return nil
	}
	tailRows, explain := ladderTail(o)
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

	// The drawable rows, by index; events are not copied (View runs
	// every frame, the history can hold thousands).
	c := o.Cache.begin(st)
	rows, segs := c.plan(events, o.Packets)
	start, end := ladderWindow(rows, events, o, room)

	name := cmp.Or(o.ServerName, "server")
	lm := &ladderMeasure{events: events, st: st, remote: remote, cache: c, serverName: name}
	var n ladderNeeds
	// Where not everything fits whole, the sides are laid out for the
	// short forms ladderRow then draws (see compactCallText).
	for level := 0; level <= 2 && (level == 0 || n.needL+14+n.needR > width); level++ {
		n = lm.measure(rows[start:end], tailRows, level)
	}
	left, lane, right := ladderColumns(width, n)

	tail := ladderTailLines(tailRows, explain, len(o.Blocked), rowGeom{left, lane, right, remote}, height, st)
	lines := make([]string, 0, height)
	lines = append(lines, c.header(left, lane, st, remote, name))
	if remote && height-len(tail) > 2 {
		// Across the diagram, like the rows of the lab itself: the note is
		// about the whole right side.
		lines = append(lines, theme.Fit(st.Muted.Render("  ┊ "+RemoteNote), width))
	}
	newer := len(rows) - end
	if newer > 0 && room > 2 {
		// The last history line says that newer rows exist: a selected
		// message keeps its place, but nothing new happens unseen.
		room--
		start = max(start, end-room)
	}
	if (start > 0 || o.Lost > 0) && room > 1 {
		// One row says how much is above, so a scrolled or trimmed
		// diagram never looks like the beginning of the conversation.
		start = max(start, end-(room-1))
		above := uint64(start) + o.Lost
		lines = append(lines, theme.Fit(st.Muted.Render(fmt.Sprintf("  ⋮ %d earlier calls above", above)), width))
	}
	rowStart := len(lines)
	for _, r := range rows[start:end] {
		lines = append(lines, c.row(events, st, r, rowGeom{left, lane, right, remote}, o.Selected, segs))
	}
	if newer > 0 && room > 1 {
		lines = append(lines, theme.Fit(st.Prompt.Render(fmt.Sprintf("  ↓ %d newer below", newer)), width))
	}
	if len(lines) < height-len(tail) {
		empty := c.emptyRow(left, lane, st, remote)
		for len(lines) < height-len(tail) {
			lines = append(lines, empty)
		}
	}
	if o.Rows != nil {
		*o.Rows = rowSeqs((*o.Rows)[:0], len(lines), rowStart, rows[start:end], events)
	}
	c.end()
	return append(lines, tail...)
}

// ladderTailLines are the tail's lines, the NEXT call's explanation
// after the blocked calls, at most height-2 of them (the newest).
func ladderTailLines(rows []ladderTailRow, explain string, blocked int, g rowGeom, height int, st *theme.Styles) []string {
	var tail []string
	width := g.left + g.lane + 2 + g.right
	for i, t := range rows {
		tail = append(tail, ladderRow(t.e, g.left, g.lane, g.right, st, t.kind, nil, g.remote))
		if i == blocked && explain != "" {
			tail = append(tail, st.Pending.Render(theme.Fit("  ▶ "+explain, width)))
		}
	}
	if len(tail) > height-2 {
		tail = tail[len(tail)-(height-2):]
	}
	return tail
}

// rowSeqs is Opts.Rows for n lines whose history rows start at line
// first: each line's event Seq, 0 for lines that are no event.
func rowSeqs(seqs []uint64, n, first int, shown []ladderLine, events []event.Event) []uint64 {
	for range n {
		seqs = append(seqs, 0)
	}
	for i, r := range shown {
		if !r.state {
			seqs[first+i] = events[r.ix].Seq
		}
	}
	return seqs
}

// ladderDraws says which events of the history are rows of a ladder.
func ladderDraws(packets bool) func(event.Event) bool {
	return func(e event.Event) bool {
		// A connect's blocked event is a row too: its SYN left then, before
		// the accept that answers it (netlab's ordering rule).
		return e.Kind == event.KindCall || e.Kind == event.KindNote || (e.Kind == event.KindBlocked && e.Op == event.OpConnect) ||
			(e.Kind == event.KindLab && e.Op == event.OpWire) || (packets && e.Kind == event.KindPacket && e.Pkt != nil)
	}
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
func rowText(e event.Event, st *theme.Styles, kind rowKind) (string, bool) {
	if e.Kind == event.KindPacket {
		return packetSide(e, st, kind), IsClient(e.Pkt.FromRole)
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
	client := IsClient(e.Role)
	if client {
		text = st.Client.Render(ShortActor(e.Actor)) + " " + text
	}
	return text, client
}

func ladderRow(e event.Event, left, lane, right int, st *theme.Styles, kind rowKind, d *segDelta, remote bool) string {
	width := left + lane + 2 + right
	if e.Kind == event.KindNote {
		return theme.Fit(st.Muted.Render("  · "+e.Actor+": "+e.Note), width)
	}
	if e.Kind == event.KindLab {
		s := st.Muted
		if e.Result == 0 {
			s = st.Error
		}
		return theme.Fit(s.Render("  · "+e.Note), width)
	}
	if e.Role == event.RoleLab && e.Kind != event.KindPacket {
		// A read the lab made (a sysctl): a kernel fact, but no one's call
		// in the conversation, so it spans the diagram.
		return theme.Fit(st.Muted.Render("  · "+e.Actor+": ")+e.Op.String()+"("+e.Text+") = "+st.Kernel.Render(safetext.String(strings.Join(strings.Fields(string(e.Data)), " "))), width)
	}
	text, client := rowText(e, st, kind)
	if avail := map[bool]int{true: left - 1, false: right}[client]; ansi.StringWidth(text) > avail && e.Kind != event.KindPacket {
		// Too long for its side (a narrow terminal): the short form keeps
		// what the row is about (the call, its result, its state) whole.
		for level := 1; level <= 2 && ansi.StringWidth(text) > avail; level++ {
			if short := compactCallText(e, st, kind, client, level); ansi.StringWidth(short) < ansi.StringWidth(text) {
				text = short
			}
		}
	}
	arrow := strings.Repeat(" ", lane)
	switch {
	case kind != rowNormal && kind != rowSelected:
	case e.Kind == event.KindPacket:
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
		return theme.Fit(mark+theme.FitRight(text, left-1)+bar+arrow+rbar, width)
	}
	return theme.Fit(mark+strings.Repeat(" ", left-1)+bar+arrow+rbar+theme.Fit(text, right), width)
}

// compactCallText is a row's text for a side too narrow for callText: no
// fd in the call, no "= 0" on a success that returns nothing else, no local
// port on connect or peer port on accept (the socket table and the wire
// have them).
// At level 2 a connect's row drops the server's port as well (the server
// side of the diagram names it).
func compactCallText(e event.Event, st *theme.Styles, kind rowKind, client bool, level int) string {
	if kind != rowNormal && kind != rowSelected {
		text, _ := rowText(e, st, kind)
		return text
	}
	name := e.Op.String() + "()"
	switch e.Op {
	case event.OpConnect:
		if level < 2 {
			name = "connect(" + portText(e.Args.Addr) + ")"
		}
	case event.OpBind:
		name = "bind(" + e.Args.Addr.String() + ")"
	}
	var s string
	switch {
	case e.Kind == event.KindBlocked:
		s = name + st.Muted.Render(" waits: ") + st.Kernel.Render("SYN sent")
	case e.Failed():
		s = name + " " + st.Error.Render(e.ErrnoName())
		if e.Errno == 0 {
			s = name + " " + st.Error.Render(e.ErrText())
		}
	case e.Op == event.OpBind && e.Local.IsValid():
		s = name + " → " + st.Kernel.Render(boundText(e.Args.Addr, e.Local))
	case e.Op == event.OpAccept:
		s = name + " = " + st.Kernel.Render(strconv.Itoa(e.Result))
		if e.NewState != event.StateNone {
			s += " " + st.Kernel.Render(e.NewState.String())
		}
	case e.Result == 0 && (e.Op == event.OpConnect || e.Op == event.OpListen || e.Op == event.OpClose || e.Op == event.OpShutdown):
		s = name + stateSuffix(e, st)
	default:
		text, _ := rowText(e, st, kind)
		return text
	}
	if kind == rowSelected {
		s = st.Selected.Render(ansi.Strip(s))
	}
	if client {
		s = st.Client.Render(ShortActor(e.Actor)) + " " + s
	}
	return s
}

// callName is the call with its fd: "recv(9)".
func callName(e event.Event) string {
	name := e.Op.String()
	switch e.Op {
	case event.OpSocket:
		return "socket()"
	case event.OpBind:
		return name + "(" + strconv.Itoa(e.FD) + ", " + e.Args.Addr.String() + ")"
	case event.OpConnect:
		// the peer's host is in the socket table
		return name + "(" + strconv.Itoa(e.FD) + ", " + portText(e.Args.Addr) + ")"
	case event.OpListen:
		return name + "(" + strconv.Itoa(e.FD) + ", " + strconv.Itoa(e.Args.Backlog) + ")"
	}
	if e.FD >= 0 {
		return name + "(" + strconv.Itoa(e.FD) + ")"
	}
	return name + "()"
}

// callText is "recv(9) = 6 "2+3*4\n"" with the parts in their roles.
func callText(e event.Event, st *theme.Styles) string {
	if e.Kind == event.KindBlocked {
		// Kept in the history only for a connect: its SYN left here. A
		// program's blocking connect() never sees the EINPROGRESS socklab's
		// non-blocking fd got: it waits, as this row says. The state is on
		// the row where it returns (on loopback the handshake is often over
		// before this row's state read).
		return callName(e) + st.Muted.Render(" waits: ") + st.Kernel.Render("SYN sent")
	}
	s := callName(e) + " = " + st.Kernel.Render(strconv.Itoa(e.Result))
	if e.Failed() {
		return s + " " + st.Error.Render(e.ErrText())
	}
	switch {
	case e.Op == event.OpAccept:
		s += st.Muted.Render(" new socket")
		if e.Remote.IsValid() {
			s += " ← " + st.Client.Render(portText(e.Remote))
		}
		if e.NewState != event.StateNone {
			s += " " + st.Kernel.Render(e.NewState.String())
		}
		return s
	case e.Op == event.OpConnect && e.Local.IsValid():
		s += st.Muted.Render(" from ") + st.Client.Render(portText(e.Local))
	case e.Op == event.OpBind && e.Local.IsValid():
		// What the kernel gave (getsockname), not what was asked: port 0
		// becomes a real port here. CLOSED is not news after socket().
		return callName(e) + " → " + st.Kernel.Render(boundText(e.Args.Addr, e.Local))
	case e.Op.Takes() && e.Result == 0:
		return s + " " + st.Kernel.Render("EOF") + stateSuffix(e, st)
	}
	if len(e.Data) > 0 {
		s += " " + st.Wire.Render(QuoteShort(e.Data))
	}
	return s + stateSuffix(e, st)
}

func stateSuffix(e event.Event, st *theme.Styles) string {
	if !statesShown(e) {
		return ""
	}
	return " " + st.Kernel.Render(e.State.String())
}

// statesShown reports whether a call's row names its state: ESTABLISHED
// only where it is news (connect), every other state always.
func statesShown(e event.Event) bool {
	return e.State != event.StateNone && (e.State != event.StateEstablished || e.Op == event.OpConnect)
}

// boundText is a bound address, shortened to its port when the IP is the
// one asked for (the row already names it).
func boundText(asked, got netip.AddrPort) string {
	if asked.Addr() == got.Addr() {
		return portText(got)
	}
	return got.String()
}

func portText(a interface{ Port() uint16 }) string { return ":" + strconv.Itoa(int(a.Port())) }

// LadderWidth is how many columns Render needs for the last rows
// of events (those a ladder rows high shows) to be drawn whole: the longest
// client-side text, a lane of 14, the longest server-side text. A layout
// uses it to give the ladder room before other parts.
func LadderWidth(events []event.Event, rows int, st *theme.Styles, packets bool) int {
	needL, needR := len("client"), len("server")
	n := 0
	for i := len(events) - 1; i >= 0 && n < rows; i-- {
		e := events[i]
		switch {
		case e.Kind == event.KindPacket && !packets, e.Kind == event.KindPacket && e.Pkt == nil:
			continue
		case e.Kind == event.KindCall, e.Kind == event.KindPacket, e.Kind == event.KindBlocked && e.Op == event.OpConnect:
		default:
			continue
		}
		if e.Role == event.RoleLab && e.Kind != event.KindPacket {
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

// QuoteShort quotes a payload for a ladder row, eliding inside the quotes
// (so the row itself is never cut): "error: unknown name 'h…".
func QuoteShort(p []byte) string {
	s := []rune(theme.Printable(p))
	if len(s) > ladderQuote {
		return `"` + string(s[:ladderQuote-1]) + `…"`
	}
	return `"` + string(s) + `"`
}

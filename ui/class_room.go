package ui

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui/exercise"
	"github.com/socklab/socklab/ui/theme"
)

// The room view of socklab class: one row per student (source address),
// their connections folded under it. A lane per connection does not fit a
// room (one student's loop fills the projector, departed students push the
// present ones off); a row per student does, and departed students are a
// count in the summary, not rows.

// roomSort orders the students.
type roomSort uint8

const (
	sortAddr     roomSort = iota // by address: a seating plan
	sortActivity                 // most recently active first
	sortErrors                   // most errors (error replies and unanswered over-limit requests) first
)

func (s roomSort) String() string {
	return [...]string{"address", "activity", "errors"}[s]
}

// student is one source address's open connections, summed.
type student struct {
	Addr       netip.Addr
	Lanes      []service.Lane // open, arrival order
	BytesIn    uint64
	BytesOut   uint64
	Requests   uint64
	Errors     uint64
	Limited    uint64
	Dropped    uint64
	LastActive time.Time // the newest request served, else the newest accept
	Last       service.Lane
	States     map[event.TCPState]int
}

// studentsOf groups a snapshot's open connections by source address.
// Pure: the view and its tests call it alike.
func studentsOf(s service.ClassSnapshot, by roomSort) []student {
	idx := map[netip.Addr]int{}
	var out []student
	for _, ln := range s.Lanes {
		if !ln.Open() {
			continue
		}
		a := ln.Remote.Addr().Unmap()
		i, ok := idx[a]
		if !ok {
			i = len(out)
			idx[a] = i
			out = append(out, student{Addr: a, States: map[event.TCPState]int{}})
		}
		st := &out[i]
		st.Lanes = append(st.Lanes, ln)
		st.BytesIn += ln.BytesIn
		st.BytesOut += ln.BytesOut
		st.Requests += ln.Requests
		st.Errors += ln.Errors
		st.Limited += ln.Limited
		st.Dropped += ln.Dropped
		st.States[ln.State]++
		act := ln.LastActive
		if act.IsZero() {
			act = ln.Since
		}
		if act.After(st.LastActive) || len(st.Lanes) == 1 {
			st.LastActive = act
			if len(ln.LastReq) > 0 || len(st.Last.LastReq) == 0 {
				st.Last = ln
			}
		}
	}
	slices.SortStableFunc(out, func(a, b student) int {
		switch by {
		case sortActivity:
			if c := b.LastActive.Compare(a.LastActive); c != 0 {
				return c
			}
		case sortErrors:
			if c := cmp.Compare(b.Errors+b.Dropped, a.Errors+a.Dropped); c != 0 {
				return c
			}
		}
		return a.Addr.Compare(b.Addr)
	})
	return out
}

// roomMemo keeps the students of one snapshot in one order: a key and the
// frame it draws ask for them several times, and grouping a thousand lanes
// each time was most of a key's cost under a full class.
type roomMemo struct {
	gen uint64 // the classPane.snapGen they were grouped from
	by  roomSort
	ok  bool
	sts []student
}

// students is studentsOf(p.snap, by), grouped once per snapshot and order.
// Callers only read it.
func (p *classPane) students(by roomSort) []student {
	m := &p.rooms
	if !m.ok || m.gen != p.snapGen || m.by != by {
		*m = roomMemo{gen: p.snapGen, by: by, ok: true, sts: studentsOf(p.snap, by)}
	}
	return m.sts
}

// stateText is a student's connections' states: "ESTABLISHED", or
// "ESTAB 7 · CLOSE_WAIT 1" when they differ.
func (s student) stateText() string {
	if len(s.States) == 1 {
		for t := range s.States {
			return stateName(t, true)
		}
	}
	var parts []string
	for _, t := range []event.TCPState{event.StateEstablished, event.StateCloseWait, event.StateLastAck,
		event.StateFinWait1, event.StateFinWait2, event.StateTimeWait, event.StateClosing, event.StateNone} {
		if n := s.States[t]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", stateName(t, false), n))
		}
	}
	return strings.Join(parts, " ")
}

func stateName(t event.TCPState, open bool) string {
	switch {
	case t == event.StateNone && open:
		return "no state"
	case t == event.StateEstablished && !open:
		return "EST"
	case t == event.StateCloseWait && !open:
		return "CL_WAIT"
	}
	return t.String()
}

// idleText is how long a student has been silent: "4s", "3m", "1h".
func idleText(now, last time.Time) string {
	d := max(0, now.Sub(last))
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return strconv.Itoa(int(d/time.Hour)) + "h"
}

// roomIdle is when a student's silence is drawn as a warning: a laptop
// that was closed stays ESTABLISHED for the whole idle timeout.
const roomIdle = time.Minute

// roomLine is one line of the student table: a student, or one of the
// connections of an unfolded student.
type roomLine struct {
	st   *student
	lane *service.Lane // nil: the student's own row
}

// roomLines flattens the students and the unfolded ones' connections.
func (p *classPane) roomLines(sts []student) []roomLine {
	var out []roomLine
	for i := range sts {
		out = append(out, roomLine{st: &sts[i]})
		if p.open[sts[i].Addr] {
			for j := range sts[i].Lanes {
				out = append(out, roomLine{st: &sts[i], lane: &sts[i].Lanes[j]})
			}
		}
	}
	return out
}

// roomHead is the head of the room view: the full seven lines when the
// body is tall, four (server, what students type, queue and accept,
// summary) on a laptop.
func (p *classPane) roomHead(width, height int) []string {
	if height >= 30 {
		return []string{p.serverLine(width), p.reachLine(width), p.limitsLine(width), p.queueLine(width), p.acceptLine(), p.summaryLine(), p.statesLine()}
	}
	head := []string{p.serverLine(width), p.reachLine(width), p.queueLine(width)}
	if e := p.snap.AcceptErrs; (!e.At.IsZero() && p.snap.Taken.Sub(e.At) < acceptFailShown) || p.snap.Hold.Held {
		head = append(head, p.acceptLine())
	}
	return append(head, p.summaryLine())
}

// viewRoom draws the students.
func (p *classPane) viewRoom(width, height int) string {
	st := p.c.Styles
	s := p.snap
	sts := p.students(p.sort)
	lines := p.roomHead(width, height)
	recent := 2
	switch {
	case height >= 40:
		recent = 4
	case height < 30:
		recent = 1
	}
	rows := max(1, height-len(lines)-1-recent-1) // head, table header, recent, the question line
	flat := p.roomLines(sts)
	p.clampSel(sts)
	p.exerciseMarks()
	sel := -1
	for i, l := range flat {
		if l.lane == nil && l.st.Addr == p.sel {
			sel = i
		}
	}
	// Many students and none unfolded: side by side in columns, so a room
	// of 40 fits a projector (and a laptop, narrower).
	cols := 1
	if len(flat) > rows && len(flat) == len(sts) {
		cols = min(max(1, width/roomCellMin), (len(flat)+rows-1)/rows)
		rows = min(rows, (len(flat)+cols-1)/cols) // columns filled evenly
	}
	per := rows * cols
	top := 0
	if len(flat) > per && sel >= 0 {
		top = max(0, min(sel-per/2, len(flat)-per))
	}
	lines = append(lines, p.roomHeader(width, cols))
	if len(sts) == 0 {
		why := "   no student connected yet: each student (source address) gets a row here"
		lines = append(lines, st.Muted.Render(why))
		rows--
	}
	cellW := width / cols
	for r := range height - len(lines) - 1 - recent {
		var b strings.Builder
		for c := range cols {
			i := top + c*rows + r
			cell := ""
			if r < rows && i < len(flat) && i < top+per {
				cell = p.roomCell(flat[i], i == sel, top+c*rows+r+1, s.Taken, cellW, cols > 1)
			}
			b.WriteString(theme.Fit(cell, cellW))
		}
		lines = append(lines, b.String())
	}
	lines = append(lines, p.askLine(top, len(flat), per, len(sts)))
	lines = append(lines, p.recentLines(recent)...)
	return theme.Block(lines, width, height)
}

// exerciseMarks evaluates the exercises for every student of the session
// (departed ones too: "N/M done" counts them) from the snapshot's tallies.
func (p *classPane) exerciseMarks() {
	p.marks, p.doneAll = nil, 0
	ex := p.opts.Exercises
	if len(ex) == 0 {
		return
	}
	all, each := exercise.Done(ex, p.snap.Tallies)
	p.doneAll = all
	p.marks = make(map[netip.Addr][]bool, len(each))
	for i, t := range p.snap.Tallies {
		p.marks[t.Addr] = each[i]
	}
}

// marksText is a student's exercises: ✓ done, · not yet.
func (p *classPane) marksText(a netip.Addr) string {
	var b strings.Builder
	m := p.marks[a]
	for i := range p.opts.Exercises {
		if i < len(m) && m[i] {
			b.WriteString("✓")
		} else {
			b.WriteString("·")
		}
	}
	return b.String()
}

// roomCellMin is the narrowest a student's cell may be in columns: the
// address, connections, idle time and requests.
const roomCellMin = 26

// roomHeader names the columns.
func (p *classPane) roomHeader(width, cols int) string {
	st := p.c.Styles
	if cols == 1 {
		return st.Title.Render(theme.Fit(p.roomWideHeader(width), width))
	}
	one := theme.Fit(theme.Fit("  STUDENT", 17)+theme.FitRight("CONN", 4)+" "+p.doneHeader()+theme.FitRight("IDLE", 4)+" "+theme.FitRight("REQ", 5)+" "+theme.FitRight("ERR", 4), width/cols)
	return st.Title.Render(theme.Fit(strings.Repeat(one, cols), width))
}

func (p *classPane) roomWideHeader(width int) string {
	h := theme.Fit("  STUDENT", 17) + theme.FitRight("CONN", 4) + " " + p.doneHeader()
	if width >= 100 {
		h += theme.Fit("STATE", 11) + " " + theme.FitRight("IN", 6) + " " + theme.FitRight("OUT", 6) + " "
	}
	return h + theme.FitRight("REQ", 5) + " " + theme.FitRight("ERR", 4) + " " + theme.FitRight("IDLE", 4) + "  LAST REQUEST → REPLY"
}

// doneHeader heads the exercises' column ("" without exercises).
func (p *classPane) doneHeader() string {
	n := len(p.opts.Exercises)
	if n == 0 {
		return ""
	}
	return theme.Fit("DONE", max(n, 4)) + " "
}

// roomCell is one student's row (or one of their connections), in w cells.
func (p *classPane) roomCell(l roomLine, selected bool, _ int, now time.Time, w int, narrow bool) string {
	st := p.c.Styles
	mark := "  "
	if selected {
		mark = st.Prompt.Render("▸ ")
	}
	if l.lane != nil {
		ln := l.lane
		row := "    " + st.Muted.Render("└ :"+strconv.Itoa(int(ln.Remote.Port()))+" fd "+strconv.Itoa(ln.FD)+" ") +
			st.Kernel.Render(stateName(ln.State, true)) + " " + st.Wire.Render(sizeText(ln.BytesIn)+"/"+sizeText(ln.BytesOut)) +
			st.Text.Render(" "+strconv.FormatUint(ln.Requests, 10)+" req ")
		if len(ln.LastReq) > 0 || len(ln.LastReply) > 0 {
			row += p.lastText(*ln)
		}
		return theme.Fit(row, w)
	}
	s := l.st
	idle := idleText(now, s.LastActive)
	idleSt := st.Muted
	if now.Sub(s.LastActive) >= roomIdle {
		idleSt = st.Pending
	}
	conns := strconv.Itoa(len(s.Lanes))
	if p.snap.PerStudent > 0 && len(s.Lanes) >= p.snap.PerStudent {
		conns += "!"
	}
	errs := ""
	if s.Errors+s.Dropped > 0 {
		errs = strconv.FormatUint(s.Errors+s.Dropped, 10)
	}
	fold := " "
	if len(s.Lanes) > 1 {
		fold = "+"
		if p.open[s.Addr] {
			fold = "−"
		}
	}
	row := mark + st.Client.Render(theme.Fit(studentAddr(s.Addr), 14)) + st.Muted.Render(fold) + theme.FitRight(conns, 4) + " "
	if n := len(p.opts.Exercises); n > 0 {
		row += st.Prompt.Render(theme.Fit(p.marksText(s.Addr), max(n, 4))) + " "
	}
	if narrow {
		// Whole fields while they fit: idle, requests, errors, the last.
		row += idleSt.Render(theme.FitRight(idle, 4))
		for _, f := range []string{st.Text.Render(theme.FitRight(countText(s.Requests), 5)), st.Error.Render(theme.FitRight(errs, 4))} {
			if lipWidth(row)+1+lipWidth(f) > w-1 {
				return theme.Fit(row, w)
			}
			row += " " + f
		}
		if rest := w - lipWidth(row) - 2; rest > 6 && (len(s.Last.LastReq) > 0 || len(s.Last.LastReply) > 0) {
			row += " " + theme.Fit(p.lastText(s.Last), rest)
		}
		return theme.Fit(row, w)
	}
	if w >= 100 {
		row += st.Kernel.Render(theme.Fit(s.stateText(), 11)) + " " + st.Wire.Render(theme.FitRight(sizeText(s.BytesIn), 6)) + " " +
			st.Wire.Render(theme.FitRight(sizeText(s.BytesOut), 6)) + " "
	}
	row += st.Text.Render(theme.FitRight(countText(s.Requests), 5)) + " " + st.Error.Render(theme.FitRight(errs, 4)) + " " + idleSt.Render(theme.FitRight(idle, 4)) + "  "
	last := st.Muted.Render("nothing sent yet")
	if len(s.Last.LastReq) > 0 || len(s.Last.LastReply) > 0 {
		last = p.lastText(s.Last)
	}
	return theme.Fit(row+last, w)
}

// studentAddr is a student's address in at most 14 cells: an IPv6 address
// keeps its end (the part that differs between students).
func studentAddr(a netip.Addr) string {
	s := a.String()
	if len(s) > 14 {
		s = "…" + s[len(s)-13:]
	}
	return s
}

// countText is a count in at most 5 cells: 12345, 123k, 12.3M.
func countText(n uint64) string {
	switch {
	case n < 100000:
		return strconv.FormatUint(n, 10)
	case n < 1000000:
		return strconv.FormatUint(n/1000, 10) + "k"
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
}

// clampSel keeps the selection on a present student: the first one when
// none is selected or the selected one left.
func (p *classPane) clampSel(sts []student) {
	for _, s := range sts {
		if s.Addr == p.sel {
			return
		}
	}
	if len(sts) > 0 {
		p.sel = sts[0].Addr
	} else {
		p.sel = netip.Addr{}
	}
}

// moveSel moves the selection d students down (up when negative).
func (p *classPane) moveSel(d int) {
	sts := p.students(p.sort)
	if len(sts) == 0 {
		return
	}
	i := slices.IndexFunc(sts, func(s student) bool { return s.Addr == p.sel })
	i = max(0, min(len(sts)-1, i+d))
	p.sel = sts[i].Addr
}

// askLine is the remove question, or which students are shown and the
// keys of the room.
func (p *classPane) askLine(top, n, per, students int) string {
	st := p.c.Styles
	if a := p.ask; a != nil {
		return st.Error.Render(fmt.Sprintf("remove %s (%d connections)? ", a.addr, a.conns)) +
			st.Prompt.Render("y") + st.Muted.Render(" close them · ") + st.Prompt.Render("b") +
			st.Muted.Render(" close and refuse for this session · any other key: cancel")
	}
	pos := fmt.Sprintf("%d students", students)
	if students == 1 {
		pos = "1 student"
	}
	if n > per {
		pos = fmt.Sprintf("%d–%d of %d", top+1, min(n, top+per), n)
	}
	if d := p.snap.Departed; d > 0 {
		pos += fmt.Sprintf(" · %d departed", d)
	}
	if len(p.opts.Exercises) > 0 {
		pos += fmt.Sprintf(" · %d/%d done", p.doneAll, len(p.snap.Tallies))
	}
	return st.Text.Render(pos) + st.Muted.Render(fmt.Sprintf(" · sorted by %s · ↑/↓ select · enter detail · f fold · x remove · o sort · v connections", p.sort))
}

// removeAsk is a remove waiting for the instructor's confirmation.
type removeAsk struct {
	addr  netip.Addr
	conns int
}

package ui

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/theme"
)

// classLayout splits the class pane's body: a fixed head (server, what
// students type, limits, accept queue, summary), the lane table (a header
// and rows), the recent arrivals, departures and refusals, and a note line.
type classLayout struct {
	head, rows, recent int
	cols               laneCols
}

const classHead = 7

// classLayoutFor is the class pane's layout at a body size. Pure.
func classLayoutFor(w, h int) classLayout {
	recent := min(6, max(2, (h-15)/3))
	rows := max(1, h-classHead-1-recent)
	return classLayout{head: classHead, rows: rows, recent: recent, cols: laneColumnsFor(w)}
}

// laneCols are the lane table's columns at a width: the optional ones
// appear from 110 columns.
type laneCols struct {
	id   int  // the lane number's width: 3, more once IDs pass 999
	wide bool // fd, rate-limited count and connect time get columns
	addr int
	last int
}

func laneColumnsFor(w int) laneCols { return laneColumnsForIDs(w, 0) }

// laneColumnsForIDs is laneColumnsFor with the ID column as wide as the
// largest ID needs: a lane number is never cut.
func laneColumnsForIDs(w int, maxID uint64) laneCols {
	c := laneCols{addr: 21, id: max(3, len(strconv.FormatUint(maxID, 10)))}
	fixed := c.id + 1 + c.addr + 1 + 11 + 1 + 6 + 1 + 6 + 1 + 4 + 1
	if w >= 110 {
		c.wide, c.addr = true, 25
		fixed += 4 + 4 + 1 + 4 + 1 + 8 + 1
	}
	c.last = max(8, w-fixed)
	return c
}

// View draws the class pane from the last snapshot alone: the room (a row
// per student) or, with v, a lane per connection.
func (p *classPane) View(width, height int) string {
	st := p.c.Styles
	if !p.snapped {
		return theme.Block([]string{st.Muted.Render("asking the kernel…")}, width, height)
	}
	if p.banner {
		return p.viewBanner(width, height)
	}
	if p.detail.IsValid() {
		return p.viewDetail(width, height)
	}
	if !p.lanes {
		return p.viewRoom(width, height)
	}
	return p.viewLanes(width, height)
}

// viewLanes draws a lane per connection.
func (p *classPane) viewLanes(width, height int) string {
	s := p.snap
	st := p.c.Styles
	l := classLayoutFor(width, height)
	if n := len(s.Lanes); n > 0 {
		l.cols = laneColumnsForIDs(width, s.Lanes[n-1].ID) // arrival order: the last is the largest
	}
	var lines []string
	lines = append(lines, p.serverLine(width), p.reachLine(width), p.limitsLine(width), p.queueLine(width), p.acceptLine(), p.summaryLine(), p.statesLine())
	lines = append(lines, p.tableHeader(l))
	top := p.top
	if p.follow {
		top = max(0, len(s.Lanes)-l.rows)
	}
	top = max(0, min(top, len(s.Lanes)-l.rows))
	shown := 0
	for i := top; i < len(s.Lanes) && shown < l.rows; i++ {
		lines = append(lines, p.laneRow(s.Lanes[i], l.cols))
		shown++
	}
	if len(s.Lanes) == 0 {
		lines = append(lines, st.Muted.Render("   no student connected yet: each connection accept() returns gets a row here"))
		shown++
	}
	for ; shown < l.rows; shown++ {
		lines = append(lines, "")
	}
	lines = append(lines, p.recentLines(l.recent)...)
	return theme.Block(lines, width, height)
}

// serverLine: what listens where, and the open-port warning.
func (p *classPane) serverLine(width int) string {
	st := p.c.Styles
	s := p.snap
	line := st.Title.Render(strings.ToUpper(s.Service)+" SERVER") + " " + st.Server.Render("listening on "+s.Addr.String())
	if s.Closed {
		return line + "  " + st.Error.Render("closed")
	}
	if !sock.IsLoopback(s.Addr.Addr()) {
		warn := "⚠ open port: any machine that can reach this one may connect"
		if lipWidth(line)+2+len(warn) > width {
			warn = "⚠ open port: other machines may connect"
		}
		line += "  " + st.Error.Render(warn)
	}
	return line
}

// reachLine is what students type: socklab connect with each address other
// machines can reach this server on.
func (p *classPane) reachLine(width int) string {
	st := p.c.Styles
	port := strconv.Itoa(int(p.snap.Addr.Port()))
	if service.ServiceForPort(p.snap.Addr.Port()) != p.snap.Service {
		port += " --service " + p.snap.Service // the port alone would not say it
	}
	addrs := p.opts.Reach
	if len(addrs) == 0 {
		if a := p.snap.Addr.Addr(); a.IsUnspecified() {
			return st.Muted.Render("students type: socklab connect <this machine's address> " + port + "  (no network address found)")
		}
		addrs = []netip.Addr{p.snap.Addr.Addr()}
	}
	line := st.Muted.Render("students type: ") + st.Prompt.Render("socklab connect "+hostText(addrs[0])+" "+port)
	for i, a := range addrs[1:] {
		more := st.Muted.Render("  or ") + st.Prompt.Render(hostText(a))
		if lipWidth(line)+lipWidth(more) > width-8 {
			line += st.Muted.Render(fmt.Sprintf("  +%d more", len(addrs)-1-i))
			break
		}
		line += more
	}
	return line
}

// hostText is an address as a student types it on a command line.
func hostText(a netip.Addr) string { return a.String() }

// limitsLine: what keeps the room safe.
func (p *classPane) limitsLine(width int) string {
	st := p.c.Styles
	s := p.snap
	var parts []string
	if len(s.Allow) > 0 {
		parts = append(parts, "allow "+s.Allow.String())
	} else {
		parts = append(parts, "any source allowed")
	}
	if s.Rate > 0 {
		parts = append(parts, "rate "+strconv.FormatFloat(s.Rate, 'g', -1, 64)+" req/s per client")
	}
	if s.ByteRate > 0 {
		parts = append(parts, "≤"+sizeText(uint64(s.ByteRate))+" B/s out per student")
	}
	if s.PerStudent > 0 {
		parts = append(parts, fmt.Sprintf("%d connections per student", s.PerStudent))
	}
	parts = append(parts, fmt.Sprintf("max %d clients", s.MaxClients))
	if s.IdleTimeout > 0 {
		parts = append(parts, "idle "+shortDur(s.IdleTimeout))
	}
	if s.Service == service.Calc {
		parts = append(parts, fmt.Sprintf("line ≤%d B", s.MaxLine))
	}
	// Whole parts only: the ones that do not fit are left out, not cut.
	line := parts[0]
	for _, part := range parts[1:] {
		if len([]rune(line))+3+len([]rune(part)) > width {
			break
		}
		line += " · " + part
	}
	return st.Muted.Render(line)
}

// shortDur prints 10m for 10m0s and 1h for 1h0m0s.
func shortDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// queueLine draws the accept queue as it fills: one cell per connection
// the kernel has finished and accept has not yet taken.
func (p *classPane) queueLine(width int) string {
	st := p.c.Styles
	q := p.snap.Queue
	if !q.Valid {
		return st.Title.Render("accept queue ") + st.Muted.Render("not reported on this system")
	}
	waiting := fmt.Sprintf(" waiting · backlog %d", q.Max)
	drops := ""
	if d := p.snap.ListenDrops; d.Valid && d.Drops > 0 {
		// The kernel's counters of this network namespace, every listener.
		drops = fmt.Sprintf(" · kernel dropped %d (%d on a full queue)", d.Drops, d.Overflows)
		if width < 100 {
			drops = fmt.Sprintf(" · kernel dropped %d", d.Drops)
		}
	}
	// The bar gives way to the numbers on a narrow screen.
	cells := max(1, min(30, q.Max, width-19-len(strconv.Itoa(q.Len))-lipWidth(waiting)-lipWidth(drops)))
	full := min(cells, q.Len)
	more := ""
	if q.Len > cells {
		more = "+"
	}
	return st.Title.Render("accept queue ") + st.Muted.Render("▕") + st.Wire.Render(strings.Repeat("█", full)) +
		st.Muted.Render(strings.Repeat("░", cells-full)+"▏"+more+" ") +
		st.Kernel.Render(strconv.Itoa(q.Len)) + st.Muted.Render(waiting) + errText(st, drops)
}

// errText renders s in the error style, and nothing at all for "" (an
// empty styled string still writes its escape codes).
func errText(st *theme.Styles, s string) string {
	if s == "" {
		return ""
	}
	return st.Error.Render(s)
}

// acceptFailShown is how long a failed accept stays on the accept line
// after the last one.
const acceptFailShown = 10 * time.Second

// acceptLine says where the server's accept is: running, held, blocked,
// or failing (what the kernel said and what it means for the room).
func (p *classPane) acceptLine() string {
	st := p.c.Styles
	s := p.snap
	if e := s.AcceptErrs; !e.At.IsZero() && s.Taken.Sub(e.At) < acceptFailShown {
		return st.Error.Render(fmt.Sprintf("⚠ accept() failed: %s ×%d", e.Last.Errno, e.Count)) + st.Muted.Render(" — "+e.Last.Meaning)
	}
	switch h := s.Hold; {
	case h.Held && h.InAccept:
		return st.Pending.Render("accept HELD") + st.Muted.Render(": one accept() is in the kernel and takes the next student; then n lets one more run")
	case h.Held:
		return st.Pending.Render("accept HELD") + st.Muted.Render(" · connects still finish (the kernel's handshake) · n accepts one")
	case h.InAccept && s.Queue.Len == 0:
		return st.Blocked.Render("⧗ accept() blocked in kernel") + st.Muted.Render(": waiting for a student · s holds accept")
	}
	return st.Muted.Render("accept() runs freely · s holds it")
}

// summaryLine: the counts a room needs at a glance, and the kernel's states.
func (p *classPane) summaryLine() string {
	st := p.c.Styles
	s := p.snap
	parts := []string{
		st.Client.Render(fmt.Sprintf("%d connected", s.Connected)),
		fmt.Sprintf("%d total", s.Total),
		fmt.Sprintf("%s req/s", rateFmt(s.ReqRate)),
	}
	if s.LimitedRate > 0 {
		parts[2] += st.Error.Render(fmt.Sprintf(" (+%s/s over the limit, not evaluated)", rateFmt(s.LimitedRate)))
	}
	if s.Refused > 0 {
		parts = append(parts, st.Error.Render(fmt.Sprintf("%d refused", s.Refused)))
	}
	if s.Limited > 0 {
		parts = append(parts, st.Error.Render(fmt.Sprintf("%d over rate", s.Limited)))
	}
	if s.Dropped > 0 {
		parts = append(parts, st.Error.Render(fmt.Sprintf("%d unanswered", s.Dropped)))
	}
	if n := s.RefusedBy[service.RefusePerStudent]; n > 0 {
		parts = append(parts, st.Error.Render(fmt.Sprintf("%d over the per-student cap", n)))
	}
	return strings.Join(parts, st.Muted.Render(" · "))
}

// statesLine counts the lanes by the state the kernel reported.
func (p *classPane) statesLine() string {
	st := p.c.Styles
	s := p.snap
	var states []string
	for _, t := range []event.TCPState{event.StateEstablished, event.StateCloseWait, event.StateLastAck,
		event.StateFinWait1, event.StateFinWait2, event.StateTimeWait, event.StateClosing} {
		if n := s.States[t]; n > 0 {
			states = append(states, st.Kernel.Render(t.String())+" "+strconv.Itoa(n))
		}
	}
	if n := s.States[event.StateNone] + s.States[event.StateClosed]; n > 0 {
		states = append(states, st.Muted.Render("gone")+" "+strconv.Itoa(n))
	}
	if len(states) == 0 {
		return st.Muted.Render("TCP states (kernel): no connection")
	}
	return st.Muted.Render("TCP states (kernel): ") + strings.Join(states, st.Muted.Render(" · "))
}

func rateFmt(r float64) string {
	if r < 10 {
		return strconv.FormatFloat(r, 'f', 1, 64)
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// tableHeader names the columns and says which lanes are shown.
func (p *classPane) tableHeader(l classLayout) string {
	st := p.c.Styles
	c := l.cols
	h := theme.FitRight("# ", c.id+1)
	if c.wide {
		h += "  fd "
	}
	h += theme.Fit("STUDENT (ip:port)", c.addr) + " " + theme.Fit("STATE", 11) + " " + theme.FitRight("IN", 6) + " " + theme.FitRight("OUT", 6) + " " + theme.FitRight("REQ", 4) + " "
	if c.wide {
		h += theme.FitRight("OVER", 4) + " " + theme.Fit("SINCE", 8) + " "
	}
	last, pos := "LAST REQUEST → REPLY", ""
	if n := len(p.snap.Lanes); n > l.rows {
		top := p.top
		if p.follow {
			top = n - l.rows
		}
		top = max(0, min(top, n-l.rows))
		pos = fmt.Sprintf("%d–%d of %d ↑↓", top+1, min(n, top+l.rows), n)
		if lipWidth(last)+2+lipWidth(pos) > c.last {
			last = "LAST → REPLY"
		}
		if lipWidth(last)+2+lipWidth(pos) > c.last {
			pos = fmt.Sprintf("%d–%d/%d", top+1, min(n, top+l.rows), n)
		}
	}
	return st.Title.Render(h+theme.Fit(last, c.last-lipWidth(pos))) + st.Muted.Render(pos)
}

// laneRow is one student's connection.
func (p *classPane) laneRow(ln service.Lane, c laneCols) string {
	st := p.c.Styles
	open := ln.Open()
	num := theme.FitRight(strconv.FormatUint(ln.ID, 10), c.id) + " "
	row := st.Muted.Render(num)
	if c.wide {
		row += st.Server.Render(theme.FitRight(strconv.Itoa(ln.FD), 4)) + " "
	}
	addr := addrCell(ln.Remote, c.addr)
	if open {
		row += st.Client.Render(addr) + " "
	} else {
		row += st.Muted.Render(addr) + " "
	}
	state := ln.State.String()
	switch {
	case !open && (ln.State == event.StateNone || ln.State == event.StateClosed):
		state = "gone"
	case ln.State == event.StateNone:
		state = "no state"
	}
	if open {
		row += st.Kernel.Render(theme.Fit(state, 11)) + " "
	} else {
		row += st.Muted.Render(theme.Fit(state, 11)) + " "
	}
	row += st.Wire.Render(theme.FitRight(sizeText(ln.BytesIn), 6)) + " " + st.Wire.Render(theme.FitRight(sizeText(ln.BytesOut), 6)) + " " +
		st.Text.Render(theme.FitRight(count4(ln.Requests), 4)) + " "
	if c.wide {
		over := ""
		if ln.Limited > 0 {
			over = count4(ln.Limited)
		}
		row += st.Error.Render(theme.FitRight(over, 4)) + " " + st.Muted.Render(ln.Since.Format("15:04:05")) + " "
	}
	var last string
	switch {
	case !open:
		last = st.Muted.Render("✕ left: " + ln.Why)
	case len(ln.LastReq) == 0 && len(ln.LastReply) == 0:
		last = st.Muted.Render("nothing sent yet")
	default:
		last = p.lastText(ln)
	}
	if !c.wide && ln.Limited > 0 && open {
		last = st.Error.Render("⚠"+strconv.FormatUint(ln.Limited, 10)+" over rate ") + last
	}
	return row + theme.Fit(last, c.last)
}

// lastText is the last request and its reply.
func (p *classPane) lastText(ln service.Lane) string {
	st := p.c.Styles
	if p.snap.Service == service.Echo {
		return st.Wire.Render(`"`+theme.Printable(ln.LastReq)+`"`) + st.Muted.Render(" echoed")
	}
	reply := st.Wire.Render(theme.Printable(ln.LastReply))
	if strings.HasPrefix(string(ln.LastReply), "error:") {
		reply = st.Error.Render(theme.Printable(ln.LastReply))
	}
	return st.Text.Render(theme.Printable(ln.LastReq)) + st.Muted.Render(" → ") + reply
}

// addrCell fits an address into w cells, keeping the port: a long IPv6
// address loses its beginning, never its end.
func addrCell(a netip.AddrPort, w int) string {
	s := a.String()
	if len(s) > w {
		s = "…" + s[len(s)-(w-1):]
	}
	return theme.Fit(s, w)
}

// count4 is a count in at most 4 cells: 9999, 123k, 45M, 9G — never cut.
func count4(n uint64) string {
	switch {
	case n < 10000:
		return strconv.FormatUint(n, 10)
	case n < 1000000:
		return strconv.FormatUint(n/1000, 10) + "k"
	case n < 1000000000:
		return strconv.FormatUint(n/1000000, 10) + "M"
	}
	return strconv.FormatUint(min(n/1000000000, 999), 10) + "G"
}

// sizeText is a byte count in at most 6 cells: 512, 12345, 1.2M.
func sizeText(n uint64) string {
	switch {
	case n < 100000:
		return strconv.FormatUint(n, 10)
	case n < 10<<20:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 0, 64) + "k"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + "M"
}

// recentLines are the newest arrivals, departures and refusals, newest
// last; the latest refusal stays on screen even when newer notes would
// push it off.
func (p *classPane) recentLines(n int) []string {
	st := p.c.Styles
	rec := p.snap.Recent
	var refusal *service.ClassNote
	for i := len(rec) - 1; i >= 0; i-- {
		if rec[i].Kind == service.NoteRefused {
			refusal = &rec[i]
			break
		}
	}
	start := max(0, len(rec)-n)
	var out []string
	if refusal != nil && n > 1 && len(rec)-1-indexOfNote(rec, refusal) >= n {
		out = append(out, p.noteLine(*refusal, st))
		start = max(0, len(rec)-(n-1))
	}
	for _, r := range rec[start:] {
		out = append(out, p.noteLine(r, st))
	}
	if len(out) == 0 {
		out = append(out, st.Muted.Render("arrivals, departures and refused connections appear here"))
	}
	for len(out) < n {
		out = append(out, "")
	}
	return out
}

func indexOfNote(rec []service.ClassNote, n *service.ClassNote) int {
	for i := range rec {
		if &rec[i] == n {
			return i
		}
	}
	return len(rec) - 1
}

func (p *classPane) noteLine(n service.ClassNote, st *theme.Styles) string {
	at := st.Muted.Render(n.At.Format("15:04:05") + " ")
	switch n.Kind {
	case service.NoteArrived:
		return at + st.Server.Render("accept() = fd "+strconv.Itoa(n.FD)) + st.Muted.Render(" ← ") + st.Client.Render(n.Remote.String())
	case service.NoteLeft:
		return at + st.Client.Render(n.Remote.String()) + st.Muted.Render(" left: "+n.Why)
	}
	return at + st.Error.Render("refused "+n.Remote.String()+": "+n.Why)
}

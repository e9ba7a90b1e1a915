package ui

import (
	"fmt"
	"net/netip"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui/common"
)

// Pacing of the class view. A class server may have a thousand clients
// sending requests: the pane never hears of requests one by one. It waits
// for the class's merged change signal, then takes one Snapshot (every
// lane's counters and the kernel's states at once), at most every
// classFrame. It looks again without a change only while something changes
// by itself: accept is held (the kernel fills the queue without a call of
// ours), an ended lane lingers (its state moves on, then it is dropped), or
// the request rate has not yet fallen to zero. Idle, it schedules nothing.
const (
	classFrame    = 100 * time.Millisecond
	classHeldPoll = 250 * time.Millisecond
	classLinger   = 500 * time.Millisecond // re-read lingering lanes' states
	classRate     = 1100 * time.Millisecond
)

// classSnapMsg is sent when a Snapshot of the class server was taken.
type classSnapMsg struct {
	to   common.PaneID
	cls  *service.Class
	snap service.ClassSnapshot
	// detail and events: the student whose detail is open, and their
	// connections' calls, read with the snapshot.
	detail netip.Addr
	events []event.Event
	// once marks a look a key asked for (a detail opened): the watch
	// already running goes on, so taking it in starts no other, or every
	// key would add a watch that looks at the class for the rest of the
	// session.
	once bool
}

// look takes a snapshot, with the detail student's calls when one is open.
func look(to common.PaneID, cls *service.Class, detail netip.Addr) classSnapMsg {
	m := classSnapMsg{to: to, cls: cls, snap: cls.Snapshot(), detail: detail}
	if detail.IsValid() {
		m.events = cls.StudentEvents(detail)
	}
	return m
}

// classActionMsg is sent when a key's action on the class server (hold,
// free, accept one) was done.
type classActionMsg struct {
	to   common.PaneID
	note string
	bad  bool
}

func (m classSnapMsg) Target() common.PaneID   { return m.to }
func (m classActionMsg) Target() common.PaneID { return m.to }

// classPane is socklab class: the instructor's server, one lane per
// student connection, the accept queue, and what was refused.
type classPane struct {
	c    *Common
	id   common.PaneID
	opts ClassOptions
	cls  *service.Class

	snap    service.ClassSnapshot
	snapped bool
	quit    chan struct{} // closed by Close: ends the watch command
	top     int           // first lane shown when not following
	follow  bool          // keep the newest lanes in view
	note    string        // the last action's outcome
	noteBad bool
	w, h    int // the body's size (bodySizeMsg), for paging

	lanes bool                // v: a lane per connection instead of a row per student
	sort  roomSort            // o
	sel   netip.Addr          // the selected student
	open  map[netip.Addr]bool // students unfolded with enter
	ask   *removeAsk          // x waiting for y, b or cancel

	banner    bool                  // the join banner is shown (b)
	detail    netip.Addr            // the student whose detail is open (enter); invalid: none
	detailEvs []event.Event         // their connections' calls, at the last look
	marks     map[netip.Addr][]bool // each student's exercises, at the last view
	doneAll   int                   // students who met every exercise

	snapGen uint64   // counts the snapshots taken in: names p.snap for rooms
	rooms   roomMemo // the students of p.snap, grouped once per snapshot and sort
}

func newClassPane(c *Common, id common.PaneID, opts ClassOptions) *classPane {
	return &classPane{c: c, id: id, opts: opts, cls: opts.Server, quit: make(chan struct{}), follow: true, open: map[netip.Addr]bool{}, banner: opts.Banner}
}

func (p *classPane) Title() string {
	switch {
	case p.snapped:
		return "class · " + p.snap.Service + " server"
	case p.cls != nil:
		return "class · " + p.cls.Config().Server.Service + " server"
	}
	return "class"
}

// Typing is true while a remove waits for its answer: q then cancels it
// instead of ending the session.
func (p *classPane) Typing() bool { return p.ask != nil }

// QuitQuestion is asked before q ends a session with students connected:
// q ends the lab for everyone at once.
func (p *classPane) QuitQuestion() string {
	if !p.snapped || p.snap.Closed || p.snap.Connected == 0 {
		return ""
	}
	return fmt.Sprintf("%d students are connected (%d connections): quit closes them all.", len(p.students(sortAddr)), p.snap.Connected)
}

// Init takes the first snapshot.
func (p *classPane) Init() tea.Cmd {
	if p.cls == nil {
		return nil
	}
	cls, to := p.cls, p.id
	return func() tea.Msg { return look(to, cls, netip.Addr{}) }
}

// Close ends the pane's watch; the server belongs to the command.
func (p *classPane) Close() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
}

// watch waits for the next reason to look (a change, or the deadline the
// last snapshot calls for), keeps at least classFrame between two looks,
// then takes a snapshot.
func (p *classPane) watch() tea.Cmd {
	cls, to, quit, detail := p.cls, p.id, p.quit, p.detail
	prev := p.snap
	var after time.Duration // 0: no deadline, only changes
	soon := func(d time.Duration) {
		if after == 0 || d < after {
			after = d
		}
	}
	if prev.Hold.Held {
		soon(classHeldPoll)
	}
	if !prev.NextExpiry.IsZero() {
		soon(min(classLinger, max(classFrame, prev.NextExpiry.Sub(prev.Taken)+10*time.Millisecond)))
	}
	if e := prev.AcceptErrs; !e.At.IsZero() && prev.Taken.Sub(e.At) < acceptFailShown {
		soon(classRate) // the failure's line goes once it is old
	}
	if prev.ReqRate > 0 || prev.LimitedRate > 0 {
		soon(classRate)
	}
	if prev.Closed {
		return nil
	}
	return func() tea.Msg {
		var deadline <-chan time.Time
		if after > 0 {
			t := time.NewTimer(after)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case <-cls.Changed():
		case <-deadline:
		case <-quit:
			return nil
		}
		// Merge a burst: one look per frame however many changes.
		if gap := classFrame - time.Since(prev.Taken); gap > 0 {
			t := time.NewTimer(gap)
			defer t.Stop()
			select {
			case <-t.C:
			case <-quit:
				return nil
			}
		}
		return look(to, cls, detail)
	}
}

func (p *classPane) Update(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case classSnapMsg:
		if m.cls != p.cls {
			return nil
		}
		p.snap, p.snapped = m.snap, true
		p.snapGen++
		if m.detail == p.detail {
			p.detailEvs = m.events
		}
		p.clampScroll()
		p.clampSel(p.students(p.sort))
		if m.once {
			return nil
		}
		return p.watch()
	case classActionMsg:
		p.note, p.noteBad = m.note, m.bad
		return nil
	case bodySizeMsg:
		p.w, p.h = m.w, m.h
		p.clampScroll()
		return nil
	case tea.KeyPressMsg:
		return p.key(m)
	case tea.MouseWheelMsg:
		switch m.Button {
		case tea.MouseWheelUp:
			p.scrollBy(-3)
		case tea.MouseWheelDown:
			p.scrollBy(3)
		}
	}
	return nil
}

// key routes a key by what the pane shows: a removal question takes the
// next key whatever it is; a student's detail and the room view have their
// own keys before the ones every view shares.
func (p *classPane) key(msg tea.KeyPressMsg) tea.Cmd {
	if a := p.ask; a != nil {
		p.ask = nil
		return p.answerRemove(a, msg)
	}
	if p.detail.IsValid() && p.detailKey(msg) {
		return nil
	}
	if !p.lanes {
		if cmd, ok := p.roomKey(msg); ok {
			return cmd
		}
	}
	if cmd, ok := p.classKey(msg); ok {
		return cmd
	}
	p.scrollKey(msg)
	return nil
}

// answerRemove answers the removal question: y removes, b removes and
// bans, any other key cancels.
func (p *classPane) answerRemove(a *removeAsk, msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "y", "b":
		ban := msg.String() == "b"
		return p.act(func(c *service.Class) (string, bool) {
			n := c.Remove(a.addr, ban)
			if ban {
				return fmt.Sprintf("removed %s: %d connections closed; refused for the rest of the session", a.addr, n), false
			}
			return fmt.Sprintf("removed %s: %d connections closed (they may connect again)", a.addr, n), false
		})
	}
	p.note, p.noteBad = "remove cancelled", false
	return nil
}

// detailKey handles a key while a student's detail is open; it reports
// whether the key was used up. Remove closes the detail and goes on to
// ask about that student.
func (p *classPane) detailKey(msg tea.KeyPressMsg) bool {
	k := p.c.Keys
	if msg.String() == "esc" || key.Matches(msg, k.RoomDetail) {
		p.detail, p.detailEvs = netip.Addr{}, nil
		return true
	}
	if key.Matches(msg, k.RoomRemove) {
		p.sel = p.detail
		p.detail, p.detailEvs = netip.Addr{}, nil
	}
	return false
}

// isLaneUp is LaneUp but for the keys LaneDown also claims.
func isLaneUp(msg tea.KeyPressMsg, k common.KeyMap) bool {
	return key.Matches(msg, k.LaneUp) && msg.String() != "down" && msg.String() != "j"
}

// roomKey handles the room view's keys: moving the selection, a student's
// detail, opening a row, removing a student. ok is false for a key it
// leaves to the shared keys.
func (p *classPane) roomKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.RoomDetail):
		return p.openDetail(), true
	case isLaneUp(msg, k):
		p.moveSel(-1)
	case key.Matches(msg, k.LaneDown):
		p.moveSel(1)
	case key.Matches(msg, k.ScrollUp):
		p.moveSel(-p.pageRows())
	case key.Matches(msg, k.ScrollDown):
		p.moveSel(p.pageRows())
	case key.Matches(msg, k.LaneFirst):
		p.moveSel(-1 << 30)
	case key.Matches(msg, k.LaneLast):
		p.moveSel(1 << 30)
	case key.Matches(msg, k.RoomOpen):
		if p.sel.IsValid() {
			p.open[p.sel] = !p.open[p.sel]
		}
	case key.Matches(msg, k.RoomRemove):
		p.askRemove()
	default:
		return nil, false
	}
	return nil, true
}

// openDetail opens the selected student's detail and asks the class
// server for it.
func (p *classPane) openDetail() tea.Cmd {
	if !p.sel.IsValid() || p.cls == nil {
		return nil
	}
	p.detail = p.sel
	cls, to, d := p.cls, p.id, p.sel
	return func() tea.Msg {
		m := look(to, cls, d)
		m.once = true
		return m
	}
}

// askRemove asks whether to remove the selected student.
func (p *classPane) askRemove() {
	for _, s := range p.students(p.sort) {
		if s.Addr == p.sel {
			p.ask = &removeAsk{addr: s.Addr, conns: len(s.Lanes)}
			return
		}
	}
	p.note, p.noteBad = "no student selected: ↑/↓ selects one", true
}

// classKey handles the keys every view shares but scrolling: the banner,
// the view, the sort, and holding or stepping the server's accept.
func (p *classPane) classKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.RoomBanner):
		p.banner = !p.banner
	case key.Matches(msg, k.RoomView):
		p.lanes = !p.lanes
	case key.Matches(msg, k.RoomSort):
		p.sort = (p.sort + 1) % (sortErrors + 1)
	case key.Matches(msg, k.HoldAccept):
		return p.act(toggleHold), true
	case key.Matches(msg, k.AcceptOne):
		return p.act(acceptOne), true
	default:
		return nil, false
	}
	return nil, true
}

// toggleHold holds the class server's accept, or lets it run freely again.
func toggleHold(c *service.Class) (string, bool) {
	if c.Hold().Held() {
		c.SetHeld(false)
		return "accept runs freely again: the queue empties", false
	}
	inAccept := c.Hold().State().InAccept
	c.SetHeld(true)
	if inAccept {
		return "accept held after the accept() already in the kernel: it takes the next student", false
	}
	return "accept held: students still connect (the kernel finishes the handshake); they wait in the queue", false
}

// acceptOne lets one accept through while accept is held.
func acceptOne(c *service.Class) (string, bool) {
	if !c.Hold().Held() {
		return "n lets one accept run while accept is held: press s first", true
	}
	if !c.Release() {
		return "the accept let through has not returned yet (the queue is empty: it waits for a student)", true
	}
	return "one accept() let through", false
}

// scrollKey scrolls the lanes table.
func (p *classPane) scrollKey(msg tea.KeyPressMsg) {
	k := p.c.Keys
	switch {
	case isLaneUp(msg, k):
		p.scrollBy(-1)
	case key.Matches(msg, k.LaneDown):
		p.scrollBy(1)
	case key.Matches(msg, k.ScrollUp):
		p.scrollBy(-p.pageRows())
	case key.Matches(msg, k.ScrollDown):
		p.scrollBy(p.pageRows())
	case key.Matches(msg, k.LaneFirst):
		p.follow, p.top = false, 0
	case key.Matches(msg, k.LaneLast):
		p.follow = true
	}
}

// act runs f on the class server in a command.
func (p *classPane) act(f func(*service.Class) (string, bool)) tea.Cmd {
	cls, to := p.cls, p.id
	if cls == nil {
		return nil
	}
	return func() tea.Msg {
		note, bad := f(cls)
		return classActionMsg{to: to, note: note, bad: bad}
	}
}

// pageRows is how many lanes the table shows at the body's size (a page).
func (p *classPane) pageRows() int { return max(1, classLayoutFor(p.w, p.h).rows) }

func (p *classPane) scrollBy(d int) {
	n := len(p.snap.Lanes)
	if p.follow {
		p.top = max(0, n-p.pageRows())
	}
	p.top += d
	p.follow = p.top+p.pageRows() >= n
	p.clampScroll()
}

func (p *classPane) clampScroll() {
	n := len(p.snap.Lanes)
	p.top = max(0, min(p.top, n-p.pageRows()))
}

// Help: s and n first (the demo's keys), then scrolling.
func (p *classPane) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys
	full := [][]key.Binding{{k.HoldAccept, k.AcceptOne}, {k.LaneUp, k.LaneDown, k.ScrollUp, k.ScrollDown, k.LaneFirst, k.LaneLast},
		{k.RoomDetail, k.RoomOpen, k.RoomRemove, k.RoomSort, k.RoomView, k.RoomBanner}}
	if p.ask != nil {
		return nil, full // the question says its keys
	}
	if !p.lanes {
		if p.snap.Hold.Held {
			return []key.Binding{k.AcceptOne, common.Relabel(k.HoldAccept, "s", "free accept"), common.Relabel(k.LaneUp, "↑/↓", "select"), k.RoomRemove}, full
		}
		return []key.Binding{common.Relabel(k.HoldAccept, "s", "hold accept (step)"), common.Relabel(k.LaneUp, "↑/↓", "select"), k.RoomRemove, k.RoomView}, full
	}
	if p.snap.Hold.Held {
		return []key.Binding{k.AcceptOne, common.Relabel(k.HoldAccept, "s", "free accept"), k.LaneUp}, full
	}
	return []key.Binding{common.Relabel(k.HoldAccept, "s", "hold accept (step)"), k.LaneUp, k.LaneLast}, full
}

// Status: the address, the accept mode, the counts.
func (p *classPane) Status() string {
	st := p.c.Styles
	if !p.snapped {
		return st.Muted.Render("asking the kernel…")
	}
	s := p.snap
	mode := "RUN"
	if s.Hold.Held {
		mode = "HELD"
	}
	line := st.Server.Render(s.Service+" server "+s.Addr.String()) + "  " + st.StatusMode.Render("accept "+mode)
	switch {
	case p.note != "" && p.noteBad:
		line += "  " + st.Error.Render(p.note)
	case p.note != "":
		line += "  " + st.Muted.Render(p.note)
	}
	return line
}

package ui

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/feed"
	"github.com/socklab/socklab/ui/ladder"
	"github.com/socklab/socklab/ui/theme"
)

// maxLabClients bounds `+`; the issue asks for at least 8.
const maxLabClients = 16

// labReadyMsg is sent when a pane's server listens (or failed to) and its
// first client was started.
type labReadyMsg struct {
	to   common.PaneID
	lab  *netlab.Lab
	addr netip.AddrPort
	err  error
}

// actionMsg is sent when a command a key asked for (add/remove a client,
// send, step) was handed to the lab.
type actionMsg struct {
	to   common.PaneID
	lab  *netlab.Lab
	note string
	err  error
}

func (m labReadyMsg) Target() common.PaneID { return m.to }
func (m actionMsg) Target() common.PaneID   { return m.to }

// labPane is the echo or calculator pane: its own lab with a server and
// clients on loopback, the sockets the kernel reports, the conversation as
// a ladder, the bytes of one message, and an input for the newest client.
type labPane struct {
	c       *Common
	id      common.PaneID
	service string
	title   string
	port    uint16
	// remote, when set, is a server elsewhere (socklab connect): the lab
	// starts none of its own; serviceWhy says how the service was chosen.
	remote     netip.AddrPort
	serviceWhy string

	lab  *netlab.Lab
	feed *feed.Feed
	addr netip.AddrPort
	err  error // the server failed to start
	// early are lines typed before the pane's client had connected: they
	// are sent, in order, once it has (labReadyMsg), not refused.
	early []string

	input  lineInput
	typing bool
	selSeq uint64 // selected message; 0 follows the newest
	// callsOnly hides the captured segments (w): the ladder then shows the
	// calls with their sockets' segment counters.
	callsOnly bool
	// ladderAt and ladderSeqs are where the last frame drew the ladder and
	// which event each of its lines showed: what a click selects.
	ladderAt   rect
	ladderSeqs []uint64
	// ladder keeps the ladder's rows between frames (for one feed).
	ladder *ladder.Cache
	// cache keeps the transcript and socket tables between frames.
	cache   labViewCache
	scroll  int    // transcript lines scrolled up from the bottom
	note    string // the last action's outcome, shown under the input
	noteBad bool
}

func newLabPane(c *Common, id common.PaneID, svc string, port uint16) *labPane {
	title := "Echo"
	if svc == service.Calc {
		title = "Calculator"
	}
	p := &labPane{c: c, id: id, service: svc, title: title, port: port,
		input: lineInput{limit: inputLimit}}
	return p
}

// placeholder is the hint shown in the empty field.
func (p *labPane) placeholder() string {
	if p.service == service.Calc {
		return "type an expression like 2+3*4, Enter sends it"
	}
	return "type a message, Enter sends it"
}

func (p *labPane) Title() string { return p.title }
func (p *labPane) Typing() bool  { return p.typing }

// Init creates the lab and returns the commands that start its server and
// first client and follow its events.
func (p *labPane) Init() tea.Cmd {
	if p.isRemote() {
		return p.initRemote()
	}
	p.lab = netlab.NewLab(netlab.LabConfig{History: 4000, Trace: p.c.Opts.Trace, Wire: p.c.Opts.Wire})
	p.feed = feed.New(p.id, p.lab)
	lab, to, svc := p.lab, p.id, p.service
	host := p.c.Opts.Host
	if !host.IsValid() {
		host = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	addr := netip.AddrPortFrom(host, p.port)
	start := func() tea.Msg {
		// No idle timeout: the pane's own client may sit quiet for a whole
		// lecture; a server that closed it would leave the pane dead.
		if err := lab.StartServer(service.ServerConfig{Service: svc, Addr: addr, IdleTimeout: -1}); err != nil {
			return labReadyMsg{to: to, lab: lab, err: err}
		}
		a, err := lab.ServerAddr(lab.Context())
		if err != nil {
			return labReadyMsg{to: to, lab: lab, err: err}
		}
		_, err = lab.AddClient(svc)
		return labReadyMsg{to: to, lab: lab, addr: a, err: err}
	}
	return tea.Batch(p.feed.Start(), start)
}

// Close closes every socket of the pane's lab.
func (p *labPane) Close() {
	if p.lab != nil {
		p.feed.Close()
		p.lab.Close()
	}
}

func (p *labPane) Update(msg tea.Msg) tea.Cmd {
	if p.feed != nil {
		if cmd, ok := p.feed.Update(msg); ok {
			if _, isEv := msg.(feed.EventsMsg); isEv && p.selSeq != 0 && !p.hasSeq(p.selSeq) {
				p.selSeq = 0 // the selected message was trimmed
			}
			return cmd
		}
	}
	switch m := msg.(type) {
	case labReadyMsg:
		if m.lab != p.lab {
			return nil
		}
		p.addr, p.err = m.addr, m.err
		early := p.early
		p.early = nil
		if m.err != nil || len(early) == 0 {
			return nil
		}
		return p.send(early...)
	case actionMsg:
		if m.lab != p.lab {
			return nil
		}
		p.note, p.noteBad = m.note, m.err != nil
		if m.err != nil {
			p.note = m.err.Error()
		}
		return nil
	case tea.KeyPressMsg:
		if p.err != nil {
			return p.restartKey(m)
		}
		return p.key(m)
	case bodyClickMsg:
		p.click(m)
		return nil
	case tea.MouseWheelMsg:
		switch m.Button {
		case tea.MouseWheelUp:
			p.scroll += 3
		case tea.MouseWheelDown:
			p.scroll = max(0, p.scroll-3)
		}
		return nil
	case tea.PasteMsg:
		if p.typing {
			p.input.Update(m)
		}
	}
	return nil
}

// click selects the message (or segment) clicked in the conversation for
// the bytes view, as ↑/↓ would.
func (p *labPane) click(m bodyClickMsg) {
	r := p.ladderAt
	if m.x < r.x || m.x >= r.x+r.w || m.y < r.y || m.y-r.y >= len(p.ladderSeqs) {
		return
	}
	seq := p.ladderSeqs[m.y-r.y]
	if seq == 0 {
		return
	}
	for i := range p.feed.History {
		if e := &p.feed.History[i]; e.Seq == seq && p.selectable(e) {
			p.selSeq = seq
		}
	}
}

func (p *labPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys
	// Keys that work whether or not the field has focus.
	switch {
	case key.Matches(msg, k.SelectUp):
		p.moveSelection(-1)
		return nil
	case key.Matches(msg, k.SelectDown):
		p.moveSelection(1)
		return nil
	case key.Matches(msg, k.ScrollUp):
		p.scroll += 5
		return nil
	case key.Matches(msg, k.ScrollDown):
		p.scroll = max(0, p.scroll-5)
		return nil
	}
	if p.typing {
		switch {
		case key.Matches(msg, k.LeaveInput):
			p.typing = false
			return nil
		case key.Matches(msg, k.Send):
			text := p.input.Value()
			if text == "" {
				return nil
			}
			p.input.Reset()
			p.scroll = 0
			return p.send(text)
		}
		p.input.Update(msg)
		return nil
	}
	switch {
	case key.Matches(msg, k.FocusInput):
		p.typing = true
		return nil
	case key.Matches(msg, k.Packets):
		if !p.feed.Wire.On {
			p.note, p.noteBad = p.feed.Wire.String(), true
			return nil
		}
		p.callsOnly = !p.callsOnly
		if p.callsOnly {
			p.note, p.noteBad = "calls only: each call shows the segments its socket counted (TCP_INFO)", false
		} else {
			p.note, p.noteBad = "calls and the segments captured on lo", false
		}
		return nil
	case key.Matches(msg, k.ToggleStep):
		return p.act(func(l *netlab.Lab) (string, error) {
			l.SetStep(!l.Stepping())
			if l.Stepping() {
				return "step mode: each call waits; n or space lets the next one run", nil
			}
			return "run mode: calls run freely", nil
		})
	case key.Matches(msg, k.StepNext):
		return p.act(func(l *netlab.Lab) (string, error) {
			if !l.Stepping() {
				return "", errors.New("n steps in step mode; press s first")
			}
			c, ok := l.Step()
			if !ok {
				return "no call is waiting", nil
			}
			return fmt.Sprintf("let %s %s(%s) run", c.Actor, c.Op, c.Text), nil
		})
	case key.Matches(msg, k.AddClient):
		if len(p.feed.LiveClients()) >= maxLabClients {
			p.note, p.noteBad = fmt.Sprintf("at most %d clients", maxLabClients), true
			return nil
		}
		svc := p.service
		return p.act(func(l *netlab.Lab) (string, error) {
			c, err := l.AddClient(svc)
			if err != nil {
				return "", err
			}
			return c.Name + " started: socket, then connect", nil
		})
	case key.Matches(msg, k.RemoveClient):
		return p.act(func(l *netlab.Lab) (string, error) {
			c := l.RemoveClient()
			if c == nil {
				return "", errors.New("no client to close")
			}
			return c.Name + " closes its socket", nil
		})
	}
	return nil
}

// Help puts first the key a learner most likely wants next: Enter while
// typing, n while calls wait at the step gate, i otherwise.
func (p *labPane) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys
	full := [][]key.Binding{
		{k.ToggleStep, k.StepNext, k.AddClient, k.RemoveClient},
		{k.FocusInput, k.LeaveInput, k.Send, k.SelectUp, k.SelectDown, k.ScrollUp, k.ScrollDown, k.Packets},
	}
	pick := common.Relabel(k.SelectUp, "↑/↓", "pick a message")
	switch {
	case p.err != nil:
		return []key.Binding{k.KernelPort, k.RetryPort}, full
	case p.typing:
		return []key.Binding{k.Send, common.Relabel(k.LeaveInput, "esc", "then s step, + client")}, full
	case p.feed.InStep():
		return []key.Binding{k.StepNext, common.Relabel(k.ToggleStep, "s", "run freely"), k.FocusInput, k.AddClient, k.RemoveClient, pick}, full
	}
	short := []key.Binding{k.FocusInput, common.Relabel(k.ToggleStep, "s", "step mode"), k.AddClient, k.RemoveClient, pick}
	if p.feed != nil && p.feed.Wire.On {
		short = append(short, common.Relabel(k.Packets, "w", map[bool]string{true: "show packets", false: "calls only"}[p.callsOnly]))
	}
	return short, full
}

// act runs f against the lab in a command and reports the outcome.
func (p *labPane) act(f func(*netlab.Lab) (string, error)) tea.Cmd {
	lab, to := p.lab, p.id
	if lab == nil {
		return nil
	}
	return func() tea.Msg {
		note, err := f(lab)
		return actionMsg{to: to, lab: lab, note: note, err: err}
	}
}

// send queues each text, in order, on the newest client. Before the
// pane's first client has connected, the texts wait for it.
func (p *labPane) send(texts ...string) tea.Cmd {
	if p.lab != nil && !p.addr.IsValid() && p.err == nil {
		p.early = append(p.early, texts...)
		p.note, p.noteBad = "not sent yet: the client is still connecting; it goes once connected", false
		return nil
	}
	why := p.lastEnded()
	return p.act(func(l *netlab.Lab) (string, error) {
		cs := l.Clients()
		if len(cs) == 0 {
			if why != "" {
				return "", errors.New(why + "; press esc then + for a new client")
			}
			return "", errors.New("no client: press esc then + to add one")
		}
		c := cs[len(cs)-1]
		for _, text := range texts {
			if err := c.Send([]byte(text)); err != nil {
				return "", err
			}
		}
		if l.Stepping() {
			return "queued on " + c.Name + ": press esc, then n to step its calls", nil
		}
		return "", nil
	})
}

// restartKey is the only key handling of a pane whose server failed: k
// starts it again on a port the kernel picks, r on the same port.
func (p *labPane) restartKey(msg tea.KeyPressMsg) tea.Cmd {
	switch k := p.c.Keys; {
	case key.Matches(msg, k.KernelPort):
		p.port = 0
	case key.Matches(msg, k.RetryPort):
	default:
		return nil
	}
	p.Close()
	p.err, p.addr, p.note = nil, netip.AddrPort{}, ""
	return p.Init()
}

// lastEnded is why the newest client that ended did ("client 1 ended: the
// server closed the connection (recv returned 0)"), from the lab's events.
func (p *labPane) lastEnded() string {
	if p.feed == nil {
		return ""
	}
	return p.feed.LastEnded
}

// inputLimit bounds the input field: past the calculator's 4096-byte line
// limit, so the server's own "request too long" can be shown, and far past
// echo's recv(1024), so a long message is seen arriving in pieces.
const inputLimit = 65536

func (p *labPane) hasSeq(seq uint64) bool {
	for _, e := range p.feed.History {
		if e.Seq == seq {
			return true
		}
	}
	return false
}

// showPackets reports whether the ladder draws the captured segments.
func (p *labPane) showPackets() bool { return p.feed != nil && p.feed.Wire.On && !p.callsOnly }

// selectable reports whether e can be picked for the bytes view: a call
// that moved bytes, or a captured segment when they are shown.
func (p *labPane) selectable(e *event.Event) bool {
	if e.Kind == event.KindPacket {
		return e.Pkt != nil && p.showPackets()
	}
	return e.Kind == event.KindCall && len(e.Data) > 0
}

// dataEvents are the selectable messages.
func (p *labPane) dataEvents() []event.Event {
	if p.feed == nil {
		return nil
	}
	var out []event.Event
	for i := range p.feed.History {
		if p.selectable(&p.feed.History[i]) {
			out = append(out, p.feed.History[i])
		}
	}
	return out
}

func (p *labPane) moveSelection(d int) {
	evs := p.dataEvents()
	if len(evs) == 0 {
		return
	}
	i := len(evs) - 1
	if p.selSeq != 0 {
		for j, e := range evs {
			if e.Seq == p.selSeq {
				i = j
			}
		}
		i += d
	} else if d > 0 {
		return
	}
	switch {
	case i >= len(evs):
		p.selSeq = 0 // past the newest: follow again
	case i < 0:
		p.selSeq = evs[0].Seq
	default:
		p.selSeq = evs[i].Seq
	}
}

// selected is the message shown in the bytes view: the chosen one, or the
// newest that carried bytes. It scans from the end without copying.
func (p *labPane) selected() event.Event {
	if p.feed == nil {
		return event.Event{}
	}
	h := p.feed.History
	var newest *event.Event
	for i := len(h) - 1; i >= 0; i-- {
		e := &h[i]
		if !p.selectable(e) {
			continue
		}
		if newest == nil && e.Kind == event.KindCall {
			// Following the newest shows a message, not the ACK after it.
			newest = e
			if p.selSeq == 0 {
				break
			}
		}
		if e.Seq == p.selSeq {
			return *e
		}
	}
	if newest != nil {
		return *newest
	}
	return event.Event{}
}

// Status is the pane's part of the status line.
func (p *labPane) Status() string {
	st := p.c.Styles
	var b strings.Builder
	switch {
	case p.isRemote():
		b.WriteString(st.Server.Render("server "+p.remote.String()) + st.Muted.Render(" (remote) · "+p.service))
		if p.serviceWhy != "" {
			b.WriteString(st.Muted.Render(": " + p.serviceWhy))
		}
	case p.err != nil:
		b.WriteString(st.Error.Render("server failed: " + p.err.Error()))
	case p.addr.IsValid() && !sock.IsLoopback(p.addr.Addr()):
		b.WriteString(st.Server.Render("server "+p.addr.String()) + " " + st.Error.Render("⚠ open port: other machines may connect"))
	case p.addr.IsValid():
		b.WriteString(st.Server.Render("server " + p.addr.String()))
	default:
		b.WriteString(st.Muted.Render("server starting…"))
	}
	mode := "RUN"
	if p.feed.InStep() {
		mode = "STEP"
	}
	b.WriteString("  " + st.StatusMode.Render(mode))
	fmt.Fprintf(&b, "  %s", st.Client.Render(theme.Plural(len(p.feed.LiveClients()), "client")))
	if p.feed != nil {
		fmt.Fprintf(&b, "  %s", st.Muted.Render(fmt.Sprintf("%d events", p.feed.Total)))
		if lost := p.feed.Lost(); lost > 0 {
			fmt.Fprintf(&b, " %s", st.Muted.Render(fmt.Sprintf("(%d not kept)", lost)))
		}
	}
	// Last: a narrow status line cuts the wire's reason, not the counts.
	if p.feed != nil && p.feed.Snapped && p.feed.Wire.Asked {
		b.WriteString("  " + ladder.WireBadge(p.feed.Wire, st))
	}
	return b.String()
}

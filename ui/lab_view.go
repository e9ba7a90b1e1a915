package ui

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/ladder"
	"github.com/socklab/socklab/ui/theme"
)

// View draws the pane. Everything in it comes from the feed (events and the
// last Snapshot) and the pane's own input.
func (p *labPane) View(width, height int) string {
	st := p.c.Styles
	if p.err != nil {
		return p.failedView(width, height)
	}
	var socks []sock.SockInfo
	if p.feed != nil {
		socks = p.feed.Socks
	}
	p.cache.styles(st)
	serverSocks := func(w int) []string {
		return p.cache.sockets(socks, w, serverTable, func() []string { return ladder.RenderServerSockets(socks, w, st) })
	}
	clientSocks := func(w int) []string {
		return p.cache.sockets(socks, w, clientTable, func() []string { return ladder.RenderClientSockets(socks, w, st) })
	}
	srv, cli := serverSocks(width), clientSocks(width)
	if p.feed == nil || !p.feed.Snapped {
		srv = []string{st.Muted.Render("asking the kernel…")}
		cli = srv
	}
	if p.isRemote() {
		srv = p.remoteServerLines(st)
	}
	l := generateLabLayout(width, height, len(srv), len(cli))
	if p.feed != nil && p.feed.Snapped {
		// Draw the sockets for the column they get (the row counts do not
		// depend on the width), so the short forms kick in where needed and
		// the state at the end of a row is not cut.
		colW := l.server.w
		if !l.wide {
			colW = (width - 2) / 2
		}
		srv, cli = serverSocks(colW), clientSocks(colW)
		if p.isRemote() {
			srv = p.remoteServerLines(st)
		}
	}
	canvas := newCanvas(width, height, p.c.fits)
	framed := func(title, note string, lines []string, w, h int, st *theme.Styles) []string {
		return framedLines(title, note, lines, w, h, st, p.c.fits)
	}
	sel := p.selected()

	if l.wide {
		in := func(r rect) (int, int) { return r.w - 2, r.h - 2 }
		w, h := in(l.server)
		canvas.putLines(l.server, framed("SERVER", "accept() makes a new socket per client", clip(srv, h, st), w, h, st))
		w, h = in(l.clients)
		canvas.putLines(l.clients, framed("CLIENTS", "port picked by the kernel → server", clip(cli, h, st), w, h, st))
		w, h = in(l.bytes)
		canvas.putLines(l.bytes, framed("BYTES", "selected message or segment", strings.Split(ladder.RenderBytes(sel, w, h, st), "\n"), w, h, st))
		w, h = in(l.transcript)
		canvas.putLines(l.transcript, framed("TRANSCRIPT", "pgup/pgdn scroll", p.transcript(h, st), w, h, st))
	} else {
		half := splitColumns(width, srv, cli)
		sv := titled(st.Title.Render("SERVER"), clip(srv, l.sockets.h-1, st))
		cv := titled(st.Title.Render("CLIENTS"), clip(cli, l.sockets.h-1, st))
		canvas.put(rect{0, 0, half, l.sockets.h}, sv)
		canvas.put(rect{half + 2, 0, width - half - 2, l.sockets.h}, cv)
		canvas.put(l.bytes, ladder.RenderBytes(sel, l.bytes.w, l.bytes.h, st))
		canvas.put(l.transcript, strings.Join(p.transcript(l.transcript.h, st), "\n"))
	}
	var events []event.Event
	o := ladder.Opts{Selected: p.selSeq, Packets: p.showPackets(), Remote: p.remote}
	if p.feed != nil {
		events = p.feed.History
		o.Pending, o.Blocked, o.Lost = p.feed.Pending, p.feed.Blocked, p.feed.Lost()
		p.ladder = p.ladder.For(p.feed)
		o.Cache = p.ladder
	}
	o.Stepping = p.feed.InStep()
	if o.Selected == 0 {
		o.Selected, o.Follow = sel.Seq, true
	}
	o.Rows = &p.ladderSeqs
	if l.wide {
		w, h := l.ladder.w-2, l.ladder.h-2
		p.ladderAt = rect{l.ladder.x + 1, l.ladder.y + 1, w, h}
		canvas.putLines(l.ladder, framed("CONVERSATION", "calls on the lifelines, segments between them", ladder.Lines(events, w, h, st, o), w, h, st))
	} else {
		p.ladderAt = l.ladder
		canvas.put(l.ladder, ladder.Render(events, l.ladder.w, l.ladder.h, st, o))
	}
	canvas.put(l.input, p.inputLine(l.input.w, st))
	return canvas.String()
}

// splitColumns is the server column's width in the narrow layout: half,
// unless the clients' rows need more and the server's rows leave it (the
// client rows carry two addresses and a state; their end must not be cut).
func splitColumns(width int, srv, cli []string) int {
	half := (width - 2) / 2
	sw, cw := maxWidth(srv), maxWidth(cli)
	if cw > width-half-2 && sw+2+cw <= width {
		return width - cw - 2
	}
	return half
}

func maxWidth(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, lipWidth(l))
	}
	return w
}

func titled(title string, lines []string) string {
	return strings.Join(append([]string{title}, lines...), "\n")
}

// framedLines draws lines (w columns, h rows inside) in a rounded frame
// whose top border carries the title and a muted note:
// "╭─ SERVER  note ──╮". fits keeps the lines between frames.
func framedLines(title, note string, lines []string, w, h int, st *theme.Styles, fits *theme.FitMemo) []string {
	line := st.Muted
	out := make([]string, 0, h+2)
	out = append(out, fits.Get(theme.MemoKey{Kind: theme.MemoBorder, S: title, Side: note, W: w}, func() string {
		head := " " + st.Title.Render(title) + " "
		if note != "" {
			head += st.Muted.Render(" " + note + " ")
		}
		if ansi.StringWidth(head) > w-1 {
			head = ansi.Truncate(head, max(0, w-1), "…")
		}
		return line.Render("╭─") + head + line.Render(strings.Repeat("─", max(0, w-1-ansi.StringWidth(head)))+"╮")
	}))
	side := fits.Get(theme.MemoKey{Kind: theme.MemoBorder, S: "│"}, func() string { return line.Render("│") })
	for i := range h {
		var l string
		if i < len(lines) {
			l = lines[i]
		}
		out = append(out, fits.FramedLine(side, l, w))
	}
	out = append(out, fits.Get(theme.MemoKey{Kind: theme.MemoBorder, S: "╰", W: w}, func() string { return line.Render("╰" + strings.Repeat("─", w) + "╯") }))
	return out
}

// clip keeps n lines, replacing the last with a count of what is hidden.
func clip(lines []string, n int, st *theme.Styles) []string {
	if n <= 0 {
		return nil
	}
	if len(lines) <= n {
		return lines
	}
	out := append([]string(nil), lines[:n-1]...)
	return append(out, st.Muted.Render(fmt.Sprintf("+%d more", len(lines)-n+1)))
}

// inputLine is the prompt (the client the text goes to), the field, and the
// outcome of the last action.
func (p *labPane) inputLine(width int, st *theme.Styles) string {
	target := "no client"
	if n := len(p.feed.LiveClients()); n > 0 {
		target = p.feed.LiveClients()[n-1]
	}
	ended := ""
	if target == "no client" {
		ended = p.lastEnded() // say why, never a silent dead pane
	}
	prompt := st.Prompt.Render(ladder.ShortActor(target)+" ›") + " "
	if !p.typing {
		prompt = st.Muted.Render(ladder.ShortActor(target)+" ›") + " "
	}
	note := ""
	if p.note != "" {
		if p.noteBad {
			note = st.Error.Render(p.note)
		} else {
			note = st.Muted.Render(p.note)
		}
	}
	hint := p.placeholder()
	if !p.typing {
		hint = "press i or enter to type"
	}
	if ended != "" {
		hint = ended + " — press + for a new client"
	}
	fieldW := width - lipWidth(prompt)
	if note != "" {
		nw := min(lipWidth(note), fieldW/2)
		field := p.input.View(fieldW-nw-2, p.typing, hint, st)
		return prompt + field + "  " + theme.Fit(note, nw)
	}
	return prompt + p.input.View(fieldW, p.typing, hint, st)
}

// transcriptLine is one request or reply as the client saw it.
type transcriptLine struct {
	actor string
	out   bool // sent by the client
	text  []byte
}

// transcript is transcriptLines, drawn again only when what it shows changed.
func (p *labPane) transcript(height int, st *theme.Styles) []string {
	if height <= 0 || p.feed == nil {
		return nil
	}
	k := transcriptKey{h: idOf(p.feed.History), height: height, scroll: p.scroll, service: p.service, remote: p.remote}
	return p.cache.transcript(k, func() []string { return p.transcriptLines(height, st) })
}

// transcriptLines builds the client side of the conversation from the history:
// what each client sent and, line by line, what it received.
func (p *labPane) transcriptLines(height int, st *theme.Styles) []string {
	var lines []transcriptLine
	partial := map[string][]byte{}
	for _, e := range p.feed.History {
		if e.Kind != event.KindCall || e.Role != event.RoleClient || len(e.Data) == 0 {
			continue
		}
		switch e.Op {
		case event.OpSend:
			lines = append(lines, transcriptLine{e.Actor, true, bytes.TrimSuffix(e.Data, []byte("\n"))})
		case event.OpRecv:
			if p.service != service.Calc {
				lines = append(lines, transcriptLine{e.Actor, false, e.Data})
				continue
			}
			buf := append(partial[e.Actor], e.Data...)
			for {
				i := bytes.IndexByte(buf, '\n')
				if i < 0 {
					break
				}
				lines = append(lines, transcriptLine{e.Actor, false, buf[:i]})
				buf = buf[i+1:]
			}
			partial[e.Actor] = buf
		}
	}
	if len(lines) == 0 && p.isRemote() {
		return []string{st.Muted.Render("nothing sent yet · press i, type, then Enter: it goes to " + p.remote.String())}
	}
	if len(lines) == 0 {
		// The first screen a newcomer sees: say where the guided tour is.
		return []string{st.Muted.Render("nothing sent yet · new to sockets? the lessons explain this screen: shift+tab")}
	}
	end := max(0, len(lines)-p.scroll)
	start := max(0, end-height)
	var out []string
	for _, t := range lines[start:end] {
		k := transcriptLineKey{actor: t.actor, text: string(t.text), out: t.out}
		out = append(out, p.cache.transcriptLine(k, func() string { return transcriptText(t, st) }))
	}
	return out
}

// transcriptText is one transcript line, styled.
func transcriptText(t transcriptLine, st *theme.Styles) string {
	who := st.Client.Render(ladder.ShortActor(t.actor))
	text := theme.Printable(t.text)
	if t.out {
		return who + " " + st.Client.Render("›") + " " + st.Text.Render(text)
	}
	body := st.Wire.Render(text)
	if bytes.HasPrefix(t.text, []byte("error:")) {
		body = st.Error.Render(text)
	}
	return who + " " + st.Server.Render("‹") + " " + body
}

// failedView is the pane when its server could not start (a --port already
// taken, a port below 1024): the kernel's error, its hint, and the way on.
func (p *labPane) failedView(width, height int) string {
	st := p.c.Styles
	lines := []string{"", st.Error.Render("The server could not start: " + p.err.Error())}
	var ce *sock.CallError
	if errors.As(p.err, &ce) && ce.Hint() != "" {
		lines = append(lines, st.Muted.Render("hint: "+ce.Hint()))
	}
	lines = append(lines, "",
		st.Prompt.Render("k")+"  let the kernel choose a free port (bind to port 0)",
		st.Prompt.Render("r")+fmt.Sprintf("  try port %d again", p.port))
	return theme.Block(theme.WrapLines(lines, width), width, height)
}

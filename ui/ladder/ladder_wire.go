package ladder

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/theme"
)

// packetLabel is what a segment's arrow says: its flags as written on the
// wire (colour never carries them alone) and the payload length.
func packetLabel(p *event.Packet) string {
	s := &p.Seg
	label := s.Flags.String()
	switch {
	case s.Proto == "udp":
		label = "UDP"
	case s.IsICMP():
		// The lane is narrow: the arrow names the port, the side text
		// says what happened to it.
		return "ICMP :" + strconv.Itoa(int(s.ICMP.Quoted.Dst.Port()))
	}
	if s.Len > 0 {
		label += " " + strconv.Itoa(s.Len)
		if s.Proto == "udp" {
			label += " B"
		}
	}
	if s.Retrans {
		label = "↻ " + label
	}
	return label
}

// packetArrow draws a captured segment across the lane, from the lifeline
// of the socket that sent it.
func packetArrow(e event.Event, lane int, st *theme.Styles) string {
	p := e.Pkt
	style := st.Wire
	if p.Seg.Flags.Has(event.FlagRST) || p.Seg.IsICMP() {
		style = st.Error
	}
	label := packetLabel(p)
	if p.Seg.IsICMP() && len([]rune(label))+4 > lane {
		label = "ICMP" // a cut port number would read as another port
	}
	if len([]rune(label))+4 > lane {
		// A narrow lane keeps the length and drops the ACK that nearly
		// every segment carries; the bytes view lists every flag.
		label = strings.Replace(label, ",ACK", "", 1)
	}
	return style.Render(arrowText(label, lane, IsClient(p.FromRole)))
}

// packetSide is the text beside a segment's arrow on its sender's side: the
// call that put it in motion, or the kernel that sent it on its own.
func packetSide(e event.Event, st *theme.Styles, kind rowKind) string {
	p := e.Pkt
	var text string
	switch p.Origin {
	case event.OriginCall:
		by := "by "
		if p.Rule == event.RuleTiming {
			// Matched by time alone: it says only when the segment was seen.
			by = "during "
		}
		text = st.Muted.Render(by) + p.CauseOp.String() + "()"
		if p.Reason == event.ReasonHeld {
			// Its bytes are that call's, but they left after it returned.
			text += st.Muted.Render(", held")
		}
	case event.OriginOutside:
		text = st.Muted.Render("outside socklab")
	default:
		text = st.Kernel.Render("kernel")
		if s := &p.Seg; s.IsICMP() {
			// The kernel's answer to a call's datagram; the call first, so
			// a narrow pane cuts the words, not the link.
			if p.Cause != 0 {
				text += st.Muted.Render(" ↩ ") + p.CauseOp.String() + "()"
			}
			what := "error"
			if s.ICMP.PortUnreachable(s.Proto == "icmp6") {
				what = "port " + strconv.Itoa(int(s.ICMP.Quoted.Dst.Port())) + " unreachable"
			}
			text += st.Muted.Render(": ") + st.Error.Render(what)
		}
	}
	if kind == rowSelected {
		text = st.Selected.Render(ansi.Strip(text))
	}
	if IsClient(p.FromRole) {
		text = st.Client.Render(ShortActor(p.From)) + " " + text
	}
	return text
}

// arrowText centres a label on a dashed arrow lane wide, the head on the
// receiver's side.
func arrowText(label string, lane int, rightward bool) string {
	body := lane - 2 // room for the head and one dash
	if w := len([]rune(label)); w+2 > body {
		label = string([]rune(label)[:max(0, body-2)])
	}
	dashes := body - len([]rune(label)) - 2
	l := dashes / 2
	r := dashes - l
	text := strings.Repeat("─", l+1) + " " + label + " " + strings.Repeat("─", r)
	if rightward {
		return text + "▶"
	}
	return "◀" + text
}

// segDelta is how many segments a call's socket sent and received since
// the socket's previous reading, from TCP_INFO's counters.
type segDelta struct{ out, in uint64 }

type segDeltas map[uint64]*segDelta

// countSegs finds, for each call event whose TCP_INFO counters moved since
// the previous reading on the same socket, by how much: what the ladder
// shows when it cannot show the segments themselves.
func countSegs(events []event.Event) segDeltas {
	type sock struct {
		actor string
		fd    int
	}
	last := map[sock]event.Segs{}
	out := segDeltas{}
	for _, e := range events {
		if e.Kind != event.KindCall || !e.Segs.Valid || e.FD < 0 {
			continue
		}
		k := sock{e.Actor, e.FD}
		prev, seen := last[k]
		last[k] = e.Segs
		if !seen || e.Segs.Out < prev.Out || e.Segs.In < prev.In {
			prev = event.Segs{} // a new socket on a reused fd counts from zero
			if e.Op != event.OpConnect && e.Op != event.OpAccept {
				continue
			}
		}
		if d := (segDelta{e.Segs.Out - prev.Out, e.Segs.In - prev.In}); d != (segDelta{}) {
			out[e.Seq] = &d
		}
	}
	return out
}

// segsLane writes a call's segment counts in the lane: "2 out · 1 in".
func segsLane(d segDelta, lane int, st *theme.Styles) string {
	text := strconv.FormatUint(d.out, 10) + " out · " + strconv.FormatUint(d.in, 10) + " in"
	if len([]rune(text)) > lane {
		text = strconv.FormatUint(d.out, 10) + "↑ " + strconv.FormatUint(d.in, 10) + "↓"
	}
	return st.Muted.Render(fitCenter(text, lane))
}

// WireBadge is the status line's words on the capture, as netlab words
// them: "wire: on (private network)", "wire: off — <why>" (the hint is on
// the ladder's first row), and the segments the capture lost, if any.
func WireBadge(w netlab.WireStatus, st *theme.Styles) string {
	if !w.On {
		return st.Muted.Render("wire: off — " + w.Why)
	}
	s := st.Wire.Render(w.String())
	if w.Dropped > 0 {
		s += " " + st.Error.Render(strconv.FormatUint(w.Dropped, 10)+" segments not captured")
	}
	return s
}

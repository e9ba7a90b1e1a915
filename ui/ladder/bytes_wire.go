package ladder

import (
	"fmt"
	"strings"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/theme"
)

// RenderPacket draws a captured segment in the bytes view: who sent it and
// why, its header fields as decoded from the frame, then the frame's bytes
// in hex with the printable ones beside them.
func RenderPacket(e event.Event, width, height int, st *theme.Styles) string {
	p := e.Pkt
	s := &p.Seg
	from := roleStyle(p.FromRole, st).Render(p.FromName())
	if p.Origin == event.OriginKernel && p.From == "" {
		from = st.Kernel.Render(p.FromName())
	}
	to := roleStyle(p.ToRole, st).Render(p.ToName())
	label := s.Flags.String()
	switch {
	case s.Proto == "udp":
		label = "UDP datagram"
	case s.IsICMP():
		label = s.Summary()
	}
	lines := []string{from + " → " + to + "  " + st.Wire.Render(label) + "  " + st.Muted.Render(p.Why)}
	if s.Proto == "tcp" {
		f := fmt.Sprintf("seq %d (%d)  ack %d (%d)  len %d", s.RelSeq, s.Seq, s.RelAck, s.Ack, s.Len)
		if !s.Flags.Has(event.FlagACK) {
			f = fmt.Sprintf("seq %d (%d)  len %d", s.RelSeq, s.Seq, s.Len)
		}
		lines = append(lines, f+st.Muted.Render("   relative (absolute)"))
		win := fmt.Sprintf("window %d", s.Win)
		switch {
		case s.Flags.Has(event.FlagSYN):
			win += st.Muted.Render(" (a SYN's window is never scaled)")
		case s.WinShift >= 0:
			win += fmt.Sprintf(" × 2^%d = %d bytes", s.WinShift, s.ScaledWin())
		default:
			win += st.Muted.Render(" (scale unknown: the SYN was not captured)")
		}
		lines = append(lines, win)
		if o := event.OptionsText(s.Opts); o != "" {
			lines = append(lines, "options "+o)
		}
	} else if s.IsICMP() {
		q := s.ICMP.Quoted
		lines = append(lines, fmt.Sprintf("type %d code %d, quoting the %s datagram %s → %s", s.ICMP.Type, s.ICMP.Code, q.Proto, q.Src, q.Dst))
	} else {
		lines = append(lines, fmt.Sprintf("payload %d bytes", s.Len))
	}
	lines = append(lines, st.Muted.Render(fmt.Sprintf("%s → %s  frame %d bytes on lo, headers %d", s.Src, s.Dst, p.Frame, s.HeaderLen)))
	lines = append(lines, hexDump(e.Data, s.HeaderLen, width, st)...)
	if len(lines) > height {
		lines = lines[:height]
	}
	for i := range lines {
		lines[i] = theme.Fit(lines[i], width)
	}
	return theme.Block(lines, width, height)
}

// hexDump writes bytes 16 (or 8 when narrow) to a line: offset, hex, and
// the printable characters; header bytes muted, payload in the wire style.
func hexDump(p []byte, headers, width int, st *theme.Styles) []string {
	per := 16
	if width < 6+per*3+per {
		per = 8
	}
	var out []string
	for off := 0; off < len(p); off += per {
		var hx, tx strings.Builder
		for i := off; i < min(off+per, len(p)); i++ {
			c := p[i]
			style := st.Muted
			if i >= headers {
				style = st.Wire
			}
			hx.WriteString(style.Render(theme.Hex2(c)) + " ")
			ch := "."
			if c >= 0x20 && c < 0x7f {
				ch = string(rune(c))
			}
			tx.WriteString(style.Render(ch))
		}
		pad := strings.Repeat("   ", per-min(per, len(p)-off))
		out = append(out, fmt.Sprintf("%04x  %s%s %s", off, hx.String(), pad, tx.String()))
	}
	return out
}

func nameOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

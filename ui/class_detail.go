package ui

import (
	"fmt"
	"strconv"

	"github.com/socklab/socklab/ui/ladder"
	"github.com/socklab/socklab/ui/theme"
)

// viewDetail is one student's detail (enter): their connections, each
// with its transcript's last exchange, and the ladder of the server's calls
// on them (the class keeps the newest of each connection). The student's
// own calls happen on their machine and are not seen: the client lifeline
// is drawn as remote, as socklab connect draws the server.
func (p *classPane) viewDetail(width, height int) string {
	st := p.c.Styles
	var s *student
	sts := p.students(p.sort)
	for i := range sts {
		if sts[i].Addr == p.detail {
			s = &sts[i]
		}
	}
	lines := []string{st.Title.Render("STUDENT "+p.detail.String()) + st.Muted.Render("  · esc back to the room · x remove")}
	if s == nil {
		lines = append(lines, st.Muted.Render("no connection of this student is open now (they left or were removed)"))
	} else {
		lines = append(lines, st.Muted.Render(fmt.Sprintf("%d connections · %s requests · %d errors · idle %s",
			len(s.Lanes), countText(s.Requests), s.Errors+s.Dropped, idleText(p.snap.Taken, s.LastActive))))
		for i, ln := range s.Lanes {
			if i == 6 {
				lines = append(lines, st.Muted.Render(fmt.Sprintf("  +%d more connections", len(s.Lanes)-i)))
				break
			}
			row := "  " + st.Client.Render(":"+strconv.Itoa(int(ln.Remote.Port()))) + st.Muted.Render(" fd "+strconv.Itoa(ln.FD)+" ") +
				st.Kernel.Render(stateName(ln.State, true)) + " " + st.Wire.Render(sizeText(ln.BytesIn)+" in, "+sizeText(ln.BytesOut)+" out") + " "
			if len(ln.LastReq) > 0 || len(ln.LastReply) > 0 {
				row += p.lastText(ln)
			}
			lines = append(lines, row)
		}
	}
	lines = append(lines, "", st.Title.Render("the server's calls on these connections")+st.Muted.Render(" (the student's own calls are on their machine)"))
	h := height - len(lines)
	if len(p.detailEvs) == 0 {
		lines = append(lines, st.Muted.Render("no call kept yet"))
		return theme.Block(lines, width, height)
	}
	ladder := ladder.Render(p.detailEvs, width, h, st, ladder.Opts{})
	return theme.Block(lines, width, len(lines)) + "\n" + ladder
}

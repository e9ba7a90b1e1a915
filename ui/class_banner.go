package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui/theme"
)

// The join banner of socklab class --banner: the first screen shows what
// students type, the address and port in letters five rows high (readable
// from the back of a room), and the sources --allow admits. b toggles it.

// bigGlyphs are 5 rows of 3 cells for the characters of an address and a
// port: digits, IPv6's hex letters, '.', ':' and a space.
var bigGlyphs = map[rune][5]string{
	'0': {"███", "█ █", "█ █", "█ █", "███"},
	'1': {" █ ", "██ ", " █ ", " █ ", "███"},
	'2': {"███", "  █", "███", "█  ", "███"},
	'3': {"███", "  █", " ██", "  █", "███"},
	'4': {"█ █", "█ █", "███", "  █", "  █"},
	'5': {"███", "█  ", "███", "  █", "███"},
	'6': {"███", "█  ", "███", "█ █", "███"},
	'7': {"███", "  █", " █ ", " █ ", " █ "},
	'8': {"███", "█ █", "███", "█ █", "███"},
	'9': {"███", "█ █", "███", "  █", "███"},
	'a': {"   ", "███", "  █", "███", "███"},
	'b': {"█  ", "█  ", "███", "█ █", "███"},
	'c': {"   ", "███", "█  ", "█  ", "███"},
	'd': {"  █", "  █", "███", "█ █", "███"},
	'e': {"███", "█ █", "███", "█  ", "███"},
	'f': {" ██", "█  ", "███", "█  ", "█  "},
	'.': {"   ", "   ", "   ", "   ", " █ "},
	':': {"   ", " █ ", "   ", " █ ", "   "},
	' ': {"   ", "   ", "   ", "   ", "   "},
}

// bigText renders s five rows high, or reports false when a character has
// no glyph or the text is wider than width.
func bigText(s string, width int) ([]string, bool) {
	rows := make([]string, 5)
	for i, r := range strings.ToLower(s) {
		g, ok := bigGlyphs[r]
		if !ok {
			return nil, false
		}
		for k := range rows {
			if i > 0 {
				rows[k] += " "
			}
			rows[k] += g[k]
		}
	}
	if lipWidth(rows[0]) > width {
		return nil, false
	}
	return rows, true
}

// viewBanner draws the join banner.
func (p *classPane) viewBanner(width, height int) string {
	st := p.c.Styles
	s := p.snap
	port := strconv.Itoa(int(s.Addr.Port()))
	svc := ""
	if service.ServiceForPort(s.Addr.Port()) != s.Service {
		svc = " --service " + s.Service
	}
	addrs := p.opts.Reach
	if len(addrs) == 0 && !s.Addr.Addr().IsUnspecified() {
		addrs = append(addrs, s.Addr.Addr())
	}
	lines := []string{st.Title.Render("JOIN THE " + strings.ToUpper(s.Service) + " SERVER"), "", st.Muted.Render("type in a terminal:"), ""}
	if len(addrs) == 0 {
		lines = append(lines, st.Prompt.Render("socklab connect <this machine's address> "+port+svc), st.Muted.Render("(no network address found on this machine)"))
	}
	for i, a := range addrs {
		if i == 2 || len(lines)+8 > height-4 {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("+%d more addresses (b: the room shows them)", len(addrs)-i)))
			break
		}
		lines = append(lines, st.Prompt.Render("socklab connect "+hostText(a)+" "+port+svc))
		if big, ok := bigText(hostText(a)+"  "+port, width-2); ok {
			for _, r := range big {
				lines = append(lines, st.Prompt.Render(r))
			}
		}
		lines = append(lines, "")
	}
	admits := "any address may connect (no --allow)"
	if len(s.Allow) > 0 {
		admits = "admitted: " + s.Allow.String() + " — anyone else is refused"
	}
	lines = append(lines, st.Text.Render(admits))
	if s.PerStudent > 0 {
		lines = append(lines, st.Muted.Render(fmt.Sprintf("each student may open %d connections", s.PerStudent)))
	}
	lines = append(lines, "", st.Muted.Render(fmt.Sprintf("%d connected · b shows the room", s.Connected)))
	return theme.Block(lines, width, height)
}

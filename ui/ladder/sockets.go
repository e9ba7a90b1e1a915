package ladder

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/theme"
)

// form is how much of a socket's line a pane has room for.
type form bool

const (
	longForm  form = false // the whole address, the state's full words
	shortForm form = true  // ":port" and short words, for a narrow pane
)

// formFor is shortForm when the pane is narrower than below.
func formFor(width, below int) form { return form(width < below) }

// addrText shows an address in full, or as ":port" in the short form.
func addrText(a netip.AddrPort, f form) string {
	if !a.IsValid() {
		return "—"
	}
	if f == shortForm {
		return ":" + strconv.Itoa(int(a.Port()))
	}
	return a.String()
}

func stateText(s sock.SockInfo, f form, st *theme.Styles) string {
	switch {
	case s.Closed && s.State == event.StateNone && f == shortForm:
		return st.Muted.Render("closed, gone")
	case s.Closed && s.State == event.StateNone:
		return st.Muted.Render("closed, gone from kernel")
	case s.Closed:
		return st.Muted.Render("closed,") + " " + st.Kernel.Render(s.State.String())
	case s.State == event.StateNone:
		return st.Muted.Render("no state")
	}
	return st.Kernel.Render(s.State.String())
}

// RenderServerSockets lists the server's sockets from a Snapshot: the
// listening socket, then each socket accept made, drawn as a branch of the
// listener so it is plain that accept returns a new socket. Pure.
func RenderServerSockets(socks []sock.SockInfo, width int, st *theme.Styles) []string {
	f := formFor(width, 64)
	var lines []string
	var conns []sock.SockInfo
	for _, s := range socks {
		if IsClient(s.Role) {
			continue
		}
		if s.Accepted {
			conns = append(conns, s)
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %s %s %s",
			st.Server.Render("fd "+strconv.Itoa(s.FD)), st.Muted.Render("listen"),
			addrText(s.Local, longForm), stateText(s, f, st)))
	}
	for i, s := range conns {
		branch := "├"
		if i == len(conns)-1 {
			branch = "└"
		}
		io := ""
		if f == longForm {
			io = "  " + st.Wire.Render(fmt.Sprintf("in %d out %d", s.BytesIn, s.BytesOut))
		}
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s%s", st.Muted.Render(branch+"accept→"),
			st.Server.Render("fd "+strconv.Itoa(s.FD)), st.Muted.Render("⇄"),
			st.Client.Render(addrText(s.Remote, f)), stateText(s, f, st), io))
	}
	if len(lines) == 0 {
		lines = append(lines, st.Muted.Render("no server socket yet"))
	}
	return lines
}

// RenderClientSockets lists the clients' sockets from a Snapshot: fd, the
// local port the kernel picked, the server address, the state. Pure.
func RenderClientSockets(socks []sock.SockInfo, width int, st *theme.Styles) []string {
	f := formFor(width, 64)
	var cs []sock.SockInfo
	for _, s := range socks {
		if IsClient(s.Role) {
			cs = append(cs, s)
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return clientNum(cs[i].Actor) < clientNum(cs[j].Actor) })
	var lines []string
	for _, s := range cs {
		name := s.Actor
		if width < 80 {
			name = ShortActor(name) // c1: room for the state and byte counts
		}
		io := ""
		if f == longForm {
			io = "  " + st.Wire.Render(fmt.Sprintf("in %d out %d", s.BytesIn, s.BytesOut))
		}
		lines = append(lines, fmt.Sprintf("%s %s %s→%s %s%s", st.Client.Render(name),
			st.Client.Render("fd "+strconv.Itoa(s.FD)), st.Client.Render(addrText(s.Local, f)),
			st.Server.Render(addrText(s.Remote, f || formFor(width, 90))), stateText(s, f, st), io))
	}
	if len(lines) == 0 {
		lines = append(lines, st.Muted.Render("no client socket yet"))
	}
	return lines
}

func clientNum(actor string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(actor, "client "))
	return n
}

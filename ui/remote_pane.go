package ui

import (
	"net/netip"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/feed"
	"github.com/socklab/socklab/ui/theme"
)

// newRemotePane is socklab connect: a lab pane whose lab has no server of
// its own. Its clients connect to a server on another machine, so only
// their calls are seen: the student's own fds, ephemeral ports and states,
// and what came back. The server's lifeline is drawn as remote.
func newRemotePane(c *Common, id common.PaneID, opts ConnectOptions) *labPane {
	p := newLabPane(c, id, opts.Service, opts.Addr.Port())
	p.remote, p.serviceWhy = opts.Addr, opts.ServiceWhy
	p.title = "connect · " + opts.Service + " at " + opts.Addr.String()
	return p
}

// remotePoll is how often a remote pane re-reads its sockets' states while
// a client runs: the server's FIN (CLOSE_WAIT here) comes with no call of
// ours to notice it.
const remotePoll = time.Second

// initRemote starts the lab of a remote pane: no server, one client.
func (p *labPane) initRemote() tea.Cmd {
	// The wire is not captured here: this traffic crosses the host's real
	// interface, not a loopback socklab owns, and capturing there needs
	// root. The screen says so instead of drawing nothing without a word.
	wire := netlab.WireConfig{Off: "the server is on another machine: its segments cross this host's network interface, where capture needs root",
		Hint: "socklab lesson 3 or the echo pane show segments, in a private network"}
	p.lab = netlab.NewLab(netlab.LabConfig{History: 4000, Trace: p.c.Opts.Trace, Remote: p.remote, Wire: wire})
	p.feed = feed.New(p.id, p.lab)
	p.feed.Poll = remotePoll
	lab, to, service, addr := p.lab, p.id, p.service, p.remote
	start := func() tea.Msg {
		_, err := lab.AddClient(service)
		return labReadyMsg{to: to, lab: lab, addr: addr, err: err}
	}
	return tea.Batch(p.feed.Start(), start)
}

// remoteServerLines stand in the SERVER column: the server's sockets are
// on another machine, and no call of it is seen from here.
func (p *labPane) remoteServerLines(st *theme.Styles) []string {
	return []string{
		st.Server.Render("remote " + p.remote.String()),
		st.Muted.Render("its sockets are on another machine:"),
		st.Muted.Render("only what comes back is seen here"),
	}
}

// isRemote reports whether the pane talks to a server elsewhere.
func (p *labPane) isRemote() bool { return p.remote.IsValid() }

var _ = netip.AddrPort{}

package ui

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/ladder"
	"github.com/socklab/socklab/ui/theme"
)

// TestClientSocketsForm: a client's line gives the whole server address
// from 90 columns, its port alone below; its own address whole from 64.
func TestClientSocketsForm(t *testing.T) {
	t.Parallel()
	st := theme.NewStyles(theme.ThemeDark, theme.DarkBackground)
	s := sock.SockInfo{Actor: "client 1", Role: event.RoleClient, FD: 5, State: event.StateEstablished,
		Local: netip.MustParseAddrPort("127.0.0.1:40000"), Remote: netip.MustParseAddrPort("127.0.0.1:7000")}
	for _, c := range []struct {
		width         int
		local, remote string
	}{
		{63, ":40000→", "→:7000"},
		{64, "127.0.0.1:40000→", "→:7000"},
		{89, "127.0.0.1:40000→", "→:7000"},
		{90, "127.0.0.1:40000→", "→127.0.0.1:7000"},
	} {
		line := ansi.Strip(strings.Join(ladder.RenderClientSockets([]sock.SockInfo{s}, c.width, st), "\n"))
		if !strings.Contains(line, c.local) || !strings.Contains(line, c.remote) {
			t.Errorf("width %d: %q, want %q and %q", c.width, line, c.local, c.remote)
		}
	}
}

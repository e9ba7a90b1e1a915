package ui

import (
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/socklab/socklab/ui/ladder"
)

// TestRemotePane is socklab connect against an echo server that is not
// socklab's (package net, as a stand-in for another machine's program):
// the student's own calls are drawn with the port its kernel picked, the
// server's lifeline is remote, and what came back arrives from its side.
func TestRemotePane(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	addr := netip.MustParseAddrPort(ln.Addr().String())

	p := newPump(t, Options{Connect: &ConnectOptions{Addr: addr, Service: "echo", ServiceWhy: "--service echo"}}, 100, 30)
	pane := p.m.panes[0].(*labPane)
	p.waitScreen("server (remote)")
	p.waitScreen(ladder.RemoteNote)
	p.waitScreen("connect · echo at " + addr.String())
	// The client's socket, with its ephemeral port, as the kernel reports it.
	p.waitFor("the client connected", func() bool {
		for _, s := range pane.feed.Socks {
			if s.Actor == "client 1" && s.Remote == addr && s.Local.Port() != 0 && s.State.String() == "ESTABLISHED" {
				return true
			}
		}
		return false
	})
	p.key("i")
	p.typeText("hello")
	p.key("enter")
	p.waitScreen("c1 ‹ hello")
	scr := p.screen()
	// No wire here: the lane shows no arrow (nothing is drawn that was
	// not captured), only the rows of the client's own calls.
	if strings.Contains(scr, "▶┊") || strings.Contains(scr, "│◀") {
		t.Errorf("an arrow drawn without a captured segment:\n%s", scr)
	}
	for _, want := range []string{"c1 send(", "c1 recv(", "remote " + addr.String(), "server " + addr.String() + " (remote) · echo: --service echo"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	// Nothing of the server's own calls: no accept, no server row.
	for _, e := range pane.feed.History {
		if !ladder.IsClient(e.Role) && e.Role.String() != "lab" {
			t.Errorf("a server-side event in a remote lab: %v", e)
		}
	}
	if strings.Contains(scr, "accept(") {
		t.Errorf("an accept drawn for a remote server:\n%s", scr)
	}
}

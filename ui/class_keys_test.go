package ui

import (
	"net/netip"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestClassKeysByView: the class pane gives a key to what is on screen
// first: an open detail, then the room view's selection, then the keys
// every view shares (the lanes view scrolls with the same keys).
func TestClassKeysByView(t *testing.T) {
	t.Parallel()
	m, p := roomModel(t)
	press := func(s string) {
		t.Helper()
		switch s {
		case "up":
			m.Update(tea.KeyPressMsg{Code: tea.KeyUp})
		case "down":
			m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		case "home":
			m.Update(tea.KeyPressMsg{Code: tea.KeyHome})
		case "esc":
			m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
		default:
			m.Update(tea.KeyPressMsg{Code: rune(s[0]), Text: s})
		}
	}
	ip := netip.MustParseAddr
	// The room view, by address: .3, .5, .9. Up and down move the selection.
	press("down")
	press("down")
	press("up")
	if p.sel != ip("10.91.0.5") {
		t.Fatalf("down, down, up selected %s, want 10.91.0.5", p.sel)
	}
	if !p.follow {
		t.Fatal("moving the selection stopped the lanes following")
	}
	// An open detail takes x first: it closes and asks about its student.
	p.detail = ip("10.91.0.9")
	press("x")
	if p.detail.IsValid() || p.ask == nil || p.ask.addr != ip("10.91.0.9") {
		t.Fatalf("x in the detail: detail %v, ask %+v; want the detail closed and a question on 10.91.0.9", p.detail, p.ask)
	}
	press("n")
	if p.ask != nil || p.note != "remove cancelled" {
		t.Fatalf("n did not cancel: ask %+v, note %q", p.ask, p.note)
	}
	// Esc closes a detail and does nothing else.
	p.detail = ip("10.91.0.3")
	press("esc")
	if p.detail.IsValid() || p.ask != nil || p.sel != ip("10.91.0.9") {
		t.Fatalf("esc in the detail: detail %v, ask %+v, sel %s", p.detail, p.ask, p.sel)
	}
	// Home in the room view selects the first student; in the lanes view
	// it scrolls to the top and stops following.
	press("home")
	if p.sel != ip("10.91.0.3") || !p.follow {
		t.Fatalf("home in the room: sel %s, follow %v", p.sel, p.follow)
	}
	press("v")
	if !p.lanes {
		t.Fatal("v did not switch to the lanes view")
	}
	press("down")
	if p.sel != ip("10.91.0.3") {
		t.Fatalf("down in the lanes view moved the room's selection to %s", p.sel)
	}
	press("home")
	if p.follow || p.top != 0 {
		t.Fatalf("home in the lanes view: follow %v top %d, want false 0", p.follow, p.top)
	}
	// Shared keys work in both views.
	press("b")
	press("o")
	if p.banner == p.opts.Banner || p.sort == 0 {
		t.Fatalf("b and o in the lanes view: banner %v sort %v", p.banner, p.sort)
	}
}

package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pump plays the part of the Bubble Tea runtime in tests: it runs the
// model's commands in goroutines and feeds their messages back to Update,
// on the test goroutine, until a condition holds.
type pump struct {
	t    testing.TB
	m    *Model
	msgs chan tea.Msg
	wg   sync.WaitGroup
	quit bool
}

func newPump(t testing.TB, opts Options, w, h int) *pump {
	m := NewModel(opts)
	p := &pump{t: t, m: m, msgs: make(chan tea.Msg, 1024)}
	t.Cleanup(p.close)
	p.update(tea.WindowSizeMsg{Width: w, Height: h})
	p.run(m.Init())
	return p
}

// close shuts the labs, then waits for every command goroutine (settle
// timers end within a second) so goleak sees none.
func (p *pump) close() {
	p.m.Close()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	for {
		select {
		case <-p.msgs:
		case <-done:
			return
		}
	}
}

func (p *pump) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		msg := cmd()
		if msg != nil {
			p.msgs <- msg
		}
	}()
}

func (p *pump) update(msg tea.Msg) {
	switch m := msg.(type) {
	case tea.BatchMsg:
		for _, c := range m {
			p.run(c)
		}
		return
	case tea.QuitMsg:
		p.quit = true
		return
	}
	_, cmd := p.m.Update(msg)
	p.run(cmd)
}

// key sends one key press: "enter", "esc", "tab", "shift+tab", "space" or
// a single character.
func (p *pump) key(k string) {
	var msg tea.KeyPressMsg
	switch k {
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		msg = tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		msg = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "space":
		msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	default:
		r := []rune(k)[0]
		msg = tea.KeyPressMsg{Code: r, Text: k}
	}
	p.update(msg)
}

func (p *pump) typeText(s string) {
	for _, r := range s {
		p.key(string(r))
	}
}

// screen is the current frame without styling.
func (p *pump) screen() string { return ansi.Strip(p.m.render()) }

// waitFor feeds messages until cond holds; it fails the test after 10 s.
func (p *pump) waitFor(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case msg := <-p.msgs:
			p.update(msg)
		case <-deadline:
			p.t.Fatalf("timed out waiting for %s; screen:\n%s", what, p.screen())
		}
	}
}

func (p *pump) waitScreen(text string) {
	p.t.Helper()
	p.waitFor("screen to show "+text, func() bool { return strings.Contains(p.screen(), text) })
}

package ui

import (
	"testing"

	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/feed"
	"github.com/socklab/socklab/ui/theme"
)

// uncachedRender is the frame the model draws with every cache empty: what
// the cached frame must equal.
func uncachedRender(m *Model, p *labPane) string {
	ladder, cache, fits, foot := p.ladder, p.cache, m.c.fits, m.foot
	p.ladder, p.cache, m.c.fits, m.foot = nil, labViewCache{}, nil, footerMemo{}
	defer func() { p.ladder, p.cache, m.c.fits, m.foot = ladder, cache, fits, foot }()
	return m.render()
}

// TestViewCacheShowsWhatFreshViewShows changes, one at a time, everything
// the lab pane's frame is drawn from, and checks after each change that the
// frame drawn through the caches is the frame drawn without them: a cache
// that kept a row, a line or a table past a change shows it here.
func TestViewCacheShowsWhatFreshViewShows(t *testing.T) {
	t.Parallel()
	m := fixtureModel(theme.ThemeDark, 200, 60)
	defer m.Close()
	p := m.panes[common.PaneCalc].(*labPane)
	steps := []struct {
		name   string
		change func()
	}{
		{"first frame", func() {}},
		{"same frame again", func() {}},
		{"new events", func() { p.feed.Add(floodEvents(40)) }},
		{"a flood trims the history", func() { p.feed.Add(floodEvents(feed.HistoryCap + 10)) }},
		{"an older row selected", func() { p.selSeq = p.feed.History[len(p.feed.History)-30].Seq }},
		{"another row selected", func() { p.selSeq = p.feed.History[len(p.feed.History)-31].Seq }},
		{"follow the newest again", func() { p.selSeq = 0 }},
		{"segments hidden (w)", func() { p.callsOnly = !p.callsOnly }},
		{"transcript scrolled", func() { p.scroll = 3 }},
		{"typing (other keys in the footer)", func() { p.typing = true }},
		{"not typing", func() { p.typing = false }},
		{"a new snapshot", func() {
			socks := append([]sock.SockInfo(nil), p.feed.Socks...)
			socks = socks[:len(socks)-1]
			p.feed.Socks = socks
		}},
		{"the theme changes", func() { m.c.Styles = theme.NewStyles(theme.ThemeLight, false) }},
		{"narrower", func() { m.Update(tea_WindowSize(120, 40)) }},
		{"wide again", func() { m.Update(tea_WindowSize(200, 60)) }},
		{"a new feed with the same Seqs", func() {
			// Everything but the events' bytes as before, so the rows
			// keep their geometry and only the lab tells them apart.
			old := p.feed
			f := &feed.Feed{To: common.PaneCalc, Socks: old.Socks, Snapped: true, Wire: old.Wire, Pending: old.Pending, Blocked: old.Blocked, Clients: old.Clients}
			evs := floodEvents(feed.HistoryCap + 10) // the same Seqs as on screen
			for i := range evs {
				evs[i].Data = []byte("9*9\n")
			}
			f.Add(evs)
			p.feed = f
		}},
	}
	for _, s := range steps {
		s.change()
		got := m.render()
		if want := uncachedRender(m, p); got != want {
			t.Fatalf("after %s: the cached frame differs from a fresh one\ncached:\n%s\nfresh:\n%s", s.name, got, want)
		}
	}
}

package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/lessonpane"
	"github.com/socklab/socklab/ui/theme"
)

// Model is the root tea.Model: it owns the panes, routes keys (quit →
// overlay → global → focused pane) and messages (a pane's own messages back
// to that pane), and composes the screen. It is the only tea.Model.
type Model struct {
	c      *Common
	panes  []pane // the three lab and lesson panes, or the one pane of socklab class / connect
	inited []bool
	active common.PaneID

	width, height int
	help          help.Model
	foot          footerMemo // the last footer drawn
	showHelp      bool
	quitting      bool
	quitAsk       string // q asked first (a class with students): shown until answered
}

// quitAsker is a pane that asks before q ends it (socklab class with
// students connected): the question, or "" to quit at once.
type quitAsker interface{ QuitQuestion() string }

// NewModel builds the root model without starting anything: the first pane
// starts its lab in Init. Tests drive it with Update directly.
func NewModel(opts Options) *Model {
	c := &Common{Common: common.Common{Styles: theme.NewStyles(opts.Theme, theme.DarkBackground), Keys: common.DefaultKeyMap()}, Opts: opts, fits: theme.NewFitMemo()}
	m := &Model{c: c, help: help.New()}
	first := common.PaneEcho
	switch opts.Pane {
	case "calc", "calculator":
		first = common.PaneCalc
	case "lessons":
		first = common.PaneLessons
	}
	// --port goes to the pane shown first; the other gets a kernel-chosen
	// port, so the two servers never fight over one.
	echoPort, calcPort := uint16(0), uint16(0)
	switch first {
	case common.PaneCalc:
		calcPort = opts.Port
	default:
		echoPort = opts.Port
	}
	switch {
	case opts.Class != nil:
		m.panes, first = []pane{newClassPane(c, 0, *opts.Class)}, 0
	case opts.Connect != nil:
		m.panes, first = []pane{newRemotePane(c, 0, *opts.Connect)}, 0
	case opts.Program != nil:
		m.panes, first = []pane{newProgramPane(c, 0, *opts.Program)}, 0
	default:
		m.panes = make([]pane, common.PaneCount)
		m.panes[common.PaneLessons] = lessonpane.New(&c.Common, opts.Lessons, opts.Wire)
		m.panes[common.PaneEcho] = newLabPane(c, common.PaneEcho, service.Echo, echoPort)
		m.panes[common.PaneCalc] = newLabPane(c, common.PaneCalc, service.Calc, calcPort)
	}
	m.inited = make([]bool, len(m.panes))
	m.active = first
	m.restyle()
	return m
}

// Init asks for the terminal background (theme auto) and starts the first pane.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.c.Opts.Theme == theme.ThemeAuto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	cmds = append(cmds, m.show(m.active))
	return tea.Batch(cmds...)
}

// show makes a pane active, starting it the first time.
func (m *Model) show(id common.PaneID) tea.Cmd {
	m.active = id
	if m.inited[id] {
		return nil
	}
	m.inited[id] = true
	return m.panes[id].Init()
}

// Close closes every pane's sockets. Run calls it after the program ends;
// tests call it when done.
func (m *Model) Close() {
	for _, p := range m.panes {
		p.Close()
	}
}

func (m *Model) restyle() {
	st := m.c.Styles
	hs := help.DefaultStyles(st.IsDark)
	hs.ShortKey = lipgloss.NewStyle().Foreground(st.HelpKey).Bold(true)
	hs.ShortDesc = lipgloss.NewStyle().Foreground(st.HelpDesc)
	hs.ShortSeparator = lipgloss.NewStyle().Foreground(st.HelpSep)
	hs.FullKey = hs.ShortKey
	hs.FullDesc = hs.ShortDesc
	hs.FullSeparator = hs.ShortSeparator
	m.help.Styles = hs
}

// Update routes a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		// Panes that page (the class view) learn the size of their body.
		if l := generateLayout(msg.Width, msg.Height); !l.tooSmall {
			for _, p := range m.panes {
				p.Update(bodySizeMsg{w: l.body.w, h: l.body.h})
			}
		}
		return m, nil
	case tea.BackgroundColorMsg:
		if m.c.Opts.Theme == theme.ThemeAuto || m.c.Opts.Theme == theme.ThemeHighContrast {
			m.c.Styles = theme.NewStyles(m.c.Opts.Theme, theme.Background(msg.IsDark()))
			m.restyle()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseClickMsg:
		// A click on the tab bar opens that pane, as its number key does.
		if t, ok := m.tabAt(msg.X, msg.Y); ok && !m.showHelp {
			return m, m.show(t)
		}
		if l := generateLayout(m.width, m.height); !l.tooSmall && !m.showHelp && msg.Button == tea.MouseLeft &&
			msg.Y >= l.body.y && msg.Y < l.body.y+l.body.h {
			return m, m.panes[m.active].Update(bodyClickMsg{x: msg.X - l.body.x, y: msg.Y - l.body.y})
		}
		return m, nil
	case common.Targeted:
		if t := msg.Target(); t >= 0 && int(t) < len(m.panes) {
			return m, m.panes[t].Update(msg)
		}
		return m, nil
	}
	// Anything else (paste, focus…) goes to the pane in front.
	return m, m.panes[m.active].Update(msg)
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	p := m.panes[m.active]
	typing := p.Typing()
	// 1. quit (q asks first when the pane has students to lose)
	if m.quitAsk != "" {
		m.quitAsk = ""
		if key.Matches(msg, k.ForceQuit) || msg.String() == "y" || key.Matches(msg, k.Quit) {
			m.quitting = true
			return tea.Quit
		}
		return nil
	}
	if key.Matches(msg, k.ForceQuit) {
		m.quitting = true
		return tea.Quit
	}
	if !typing && !m.showHelp && key.Matches(msg, k.Quit) {
		if a, ok := p.(quitAsker); ok {
			if q := a.QuitQuestion(); q != "" {
				m.quitAsk = q
				return nil
			}
		}
		m.quitting = true
		return tea.Quit
	}
	// 2. overlay: q quits, any other key closes help
	if m.showHelp {
		if key.Matches(msg, k.Quit) {
			m.quitting = true
			return tea.Quit
		}
		m.showHelp = false
		return nil
	}
	// 3. global
	n := common.PaneID(len(m.panes))
	switch {
	case n > 1 && key.Matches(msg, k.NextPane):
		return m.show((m.active + 1) % n)
	case n > 1 && key.Matches(msg, k.PrevPane):
		return m.show((m.active + n - 1) % n)
	}
	if !typing {
		switch {
		case key.Matches(msg, k.Help):
			m.showHelp = true
			return nil
		case n != common.PaneCount:
			// socklab class / connect: one pane, no pane keys
		case key.Matches(msg, k.Pane1):
			return m.show(common.PaneLessons)
		case key.Matches(msg, k.Pane2):
			return m.show(common.PaneEcho)
		case key.Matches(msg, k.Pane3):
			return m.show(common.PaneCalc)
		}
	}
	// 4. the pane in front
	return p.Update(msg)
}

// View composes the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	// The wheel scrolls the lesson text and the transcript. (Most
	// terminals still select text with shift held.)
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "socklab"
	if len(m.panes) == 1 {
		v.WindowTitle = "socklab " + m.panes[0].Title()
	}
	return v
}

// status is the pane's status line, or the quit question while it waits.
func (m *Model) status(p pane) string {
	if m.quitAsk != "" {
		st := m.c.Styles
		return st.Error.Render(m.quitAsk) + " " + st.Prompt.Render("y/q") + st.Muted.Render(" quit · any other key: stay")
	}
	return p.Status()
}

// render is View's content, split out so tests and benchmarks can read it.
func (m *Model) render() string {
	if m.quitting || m.width == 0 {
		return ""
	}
	st := m.c.Styles
	l := generateLayout(m.width, m.height)
	if l.tooSmall {
		msg := fmt.Sprintf("socklab needs at least %dx%d; this terminal is %dx%d.\nMake it larger, or press q to quit.",
			minWidth, minHeight, m.width, m.height)
		return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, st.Text.Render(msg))
	}
	p := m.panes[m.active]
	m.c.fits.Use(st)
	var body string
	if m.showHelp {
		h := m.help
		h.ShowAll = true
		box := st.Overlay.Render(st.Title.Render("Keys") + "\n\n" + h.View(m.helpKeys(p)) +
			"\n\n" + st.Muted.Render("While the text field has focus, keys type into it: esc leaves it, i returns.\n"+
			"tab, shift+tab and ctrl+c always work. q quits; any other key closes this help."))
		body = lipgloss.Place(l.body.w, l.body.h, lipgloss.Center, lipgloss.Center, box)
	} else {
		body = p.View(l.body.w, l.body.h)
	}
	footer := m.footer(p, l.footer.w-1)
	defer m.c.fits.Frame()
	return strings.Join([]string{
		theme.Fit(m.tabBar(), l.tabs.w),
		m.bodyBlock(body, l.body.w, l.body.h),
		theme.Fit(" "+m.status(p), l.status.w),
		theme.Fit(" "+footer, l.footer.w),
	}, "\n")
}

// bodyBlock is block for the pane's body, through the frame memo: a pane's
// lines are mostly the ones it drew last frame.
func (m *Model) bodyBlock(body string, w, h int) string {
	lines := strings.Split(body, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = m.c.fits.Fit(l, w)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// footer is the key help line. When it is too wide, the pane's least
// likely keys go first, so the global ones (next pane, help, quit) stay.
func (m *Model) footer(p pane, width int) string {
	hk := m.helpKeys(p)
	all := hk.ShortHelp()
	if m.foot.same(m.c.Styles, width, m.help.Width(), all) {
		return m.foot.line
	}
	line := m.fitFooter(hk, width)
	m.foot.keep(m.c.Styles, width, m.help.Width(), all, line)
	return line
}

// fitFooter draws the footer, dropping the pane's last keys until it fits.
func (m *Model) fitFooter(hk helpKeys, width int) string {
	free := m.help
	free.SetWidth(0)
	for len(hk.short) > 1 && lipgloss.Width(free.ShortHelpView(hk.ShortHelp())) > width {
		hk.short = hk.short[:len(hk.short)-1]
	}
	return m.help.ShortHelpView(hk.ShortHelp())
}

func (m *Model) helpKeys(p pane) helpKeys {
	short, full := p.Help()
	return helpKeys{k: m.c.Keys, typing: p.Typing(), short: short, full: full, single: len(m.panes) == 1}
}

// tabAt is the pane whose tab is drawn at column x of row y, if any.
func (m *Model) tabAt(x, y int) (common.PaneID, bool) {
	if y != 0 || len(m.panes) == 1 {
		return 0, false
	}
	st := m.c.Styles
	pos := ansi.StringWidth(st.Title.Render("socklab") + " ")
	for i, p := range m.panes {
		label := fmt.Sprintf("%d %s", i+1, p.Title())
		style := st.TabIdle
		if common.PaneID(i) == m.active {
			style = st.TabActive
		}
		w := ansi.StringWidth(style.Render(label))
		if x >= pos && x < pos+w {
			return common.PaneID(i), true
		}
		pos += w
	}
	return 0, false
}

func (m *Model) tabBar() string {
	st := m.c.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("socklab") + " ")
	if len(m.panes) == 1 {
		b.WriteString(st.TabActive.Render(m.panes[0].Title()))
		return b.String()
	}
	for i, p := range m.panes {
		label := fmt.Sprintf("%d %s", i+1, p.Title())
		if common.PaneID(i) == m.active {
			b.WriteString(st.TabActive.Render(label))
		} else {
			b.WriteString(st.TabIdle.Render(label))
		}
	}
	return b.String()
}

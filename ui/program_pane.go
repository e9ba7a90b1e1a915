package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/ui/common"
	"github.com/socklab/socklab/ui/feed"
	"github.com/socklab/socklab/ui/ladder"
	"github.com/socklab/socklab/ui/theme"
)

// ProgramOptions are what socklab run hands the UI: a student's program
// whose lab exists but whose program is started by the pane, once its feed
// listens, so no call is missed. The command owns the program and stops it
// after the UI returns; the pane only looks and steps.
type ProgramOptions struct {
	Title string      // "python3 server.py"
	Lab   *netlab.Lab // the program's lab (its calls, socklab's peer, the wire)
	// Actors are the program's names on the ladder (nil: "program"; two
	// for socklab run's server and client programs); the end is said once
	// each one's end has reached the ladder.
	Actors []string
	// ServerName is the name over the ladder's server lifeline ("":
	// "server"): with two programs, which one serves.
	ServerName string
	// Start runs the program; its error is shown in the pane.
	Start func() error
	// Output is what the program wrote so far; OutputChanged gets a notice
	// each time it wrote more.
	Output        func() string
	OutputChanged <-chan struct{}
	// Done is closed when the program ended; Exit then says how.
	Done    func() <-chan struct{}
	Exit    func() string
	Refused func() string // why its calls are not traced, or ""
}

// programStartedMsg is sent when the pane's Start command returned.
type programStartedMsg struct {
	to  common.PaneID
	err error
}

// programOutputMsg is sent when the program wrote to stdout or stderr.
type programOutputMsg struct{ to common.PaneID }

// programEndedMsg is sent when the program (and its children) ended.
type programEndedMsg struct {
	to   common.PaneID
	exit string
}

func (m programStartedMsg) Target() common.PaneID { return m.to }
func (m programOutputMsg) Target() common.PaneID  { return m.to }
func (m programEndedMsg) Target() common.PaneID   { return m.to }

// programPane shows a student's program: its calls and segments on the
// ladder, its output below, its exit status in the status line.
type programPane struct {
	c      *Common
	id     common.PaneID
	opts   ProgramOptions
	feed   *feed.Feed
	err    error
	ended  string // how it ended; "" while it runs
	output string
	why    string // calls not traced: why
}

func newProgramPane(c *Common, id common.PaneID, opts ProgramOptions) *programPane {
	return &programPane{c: c, id: id, opts: opts}
}

func (p *programPane) Title() string { return "run · " + p.opts.Title }
func (p *programPane) Typing() bool  { return false }

func (p *programPane) Init() tea.Cmd {
	p.feed = feed.New(p.id, p.opts.Lab)
	start, to := p.opts.Start, p.id
	return tea.Batch(p.feed.Start(), func() tea.Msg { return programStartedMsg{to: to, err: start()} })
}

// Close stops nothing: the command that made the program stops it.
func (p *programPane) Close() {
	if p.feed != nil {
		p.feed.Close()
	}
}

func (p *programPane) waitOutput() tea.Cmd {
	ch, to, done := p.opts.OutputChanged, p.id, p.opts.Done()
	return func() tea.Msg {
		select {
		case <-ch:
			return programOutputMsg{to: to}
		case <-done:
			return nil
		}
	}
}

func (p *programPane) waitEnd() tea.Cmd {
	done, exit, to := p.opts.Done(), p.opts.Exit, p.id
	return func() tea.Msg {
		<-done
		return programEndedMsg{to: to, exit: exit()}
	}
}

func (p *programPane) Update(msg tea.Msg) tea.Cmd {
	if p.feed != nil {
		if cmd, ok := p.feed.Update(msg); ok {
			return cmd
		}
	}
	switch msg := msg.(type) {
	case programStartedMsg:
		if msg.err != nil {
			p.err = msg.err
			return nil
		}
		p.why = p.opts.Refused()
		return tea.Batch(p.waitOutput(), p.waitEnd())
	case programOutputMsg:
		p.output = p.opts.Output()
		return p.waitOutput()
	case programEndedMsg:
		p.ended = msg.exit
		p.output = p.opts.Output()
		return nil
	case tea.KeyPressMsg:
		lab := p.opts.Lab
		switch {
		case key.Matches(msg, p.c.Keys.ToggleStep):
			on := !lab.Stepping()
			return func() tea.Msg { lab.SetStep(on); return nil }
		case key.Matches(msg, p.c.Keys.StepNext):
			return func() tea.Msg { lab.Step(); return nil }
		}
	}
	return nil
}

func (p *programPane) View(width, height int) string {
	st := p.c.Styles
	outLines := splitTail(p.output, max(3, height/4))
	head := []string{}
	switch {
	case p.err != nil:
		head = append(head, st.Error.Render(theme.Fit("cannot run "+p.opts.Title+": "+p.err.Error(), width)))
	case p.why != "":
		head = append(head, st.Error.Render(theme.Fit("its calls are not traced ("+p.why+"): only the wire is shown", width)))
	}
	ladderH := height - len(head) - len(outLines) - 1
	var lines []string
	lines = append(lines, head...)
	if ladderH >= 2 && p.feed != nil {
		ladder := ladder.Render(p.feed.History, width, ladderH, st, ladder.Opts{Pending: p.feed.Pending, Blocked: p.feed.Blocked,
			Lost: p.feed.Lost(), Stepping: p.opts.Lab.Stepping(), Packets: p.feed.Wire.On, ServerName: p.opts.ServerName})
		lines = append(lines, strings.Split(ladder, "\n")...)
	}
	title := "program output"
	if end := p.endSaid(); end != "" {
		title += " · ended: " + end
	}
	lines = append(lines, st.Muted.Render(theme.Fit("── "+title+" ", width)))
	for _, l := range outLines {
		// A program's output is from outside: control, format (bidi) and
		// invalid bytes become visible escapes before they reach the terminal.
		q := strconv.QuoteToGraphic(l)
		lines = append(lines, theme.Fit(q[1:len(q)-1], width))
	}
	return theme.Block(lines, width, height)
}

// splitTail returns the last n lines of s.
func splitTail(s string, n int) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	l := strings.Split(s, "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return l
}

func (p *programPane) Status() string {
	mode := "run"
	if p.opts.Lab.Stepping() {
		mode = "step"
	}
	if end := p.endSaid(); end != "" {
		return mode + " · program ended: " + end
	}
	return mode + " · program running"
}

// endSaid is how the program ended, once the lab's log has said so: the
// end is drawn after the program's last calls, never above them (the
// process can be reaped before those calls' events reach the screen).
func (p *programPane) endSaid() string {
	actors := p.opts.Actors
	if len(actors) == 0 {
		actors = []string{"program"}
	}
	for _, a := range actors {
		if p.feed != nil && !p.feed.Ended(a) {
			return ""
		}
	}
	return p.ended
}

func (p *programPane) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys
	short := []key.Binding{k.ToggleStep}
	if p.opts.Lab.Stepping() {
		short = []key.Binding{k.StepNext, k.ToggleStep}
	}
	return short, [][]key.Binding{{k.StepNext, k.ToggleStep}}
}

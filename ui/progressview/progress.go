// Package progressview is the small Bubble Tea program socklab bench
// shows while it runs: a title, a progress bar and a line of live figures
// sampled on a timer (Run). It owns no work and imports only Bubble Tea and
// bubbles; nothing of ui or netlab.
package progressview

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
)

// Sample is what a long-running command reports at each tick: how
// far it is (0..1) and one line of figures.
type Sample struct {
	Fraction float64
	Line     string
}

// progressModel is the small Bubble Tea program `socklab bench` shows while
// it runs: a title, a progress bar and a line of live figures. It owns no
// work: it samples the run on a timer and quits when the run is done.
type progressModel struct {
	title  string
	sample func() Sample
	done   <-chan struct{}
	cancel func()
	bar    progress.Model
	last   Sample
	width  int
	quit   bool
}

// progressTickMsg is sent every progressTick to sample the run.
type progressTickMsg struct{}

// progressDoneMsg is sent once the run has finished.
type progressDoneMsg struct{}

const progressTick = 200 * time.Millisecond

func (m progressModel) Init() tea.Cmd {
	return tea.Batch(m.tick(), m.waitDone())
}

func (m progressModel) tick() tea.Cmd {
	return tea.Tick(progressTick, func(time.Time) tea.Msg { return progressTickMsg{} })
}

func (m progressModel) waitDone() tea.Cmd {
	done := m.done
	return func() tea.Msg {
		<-done
		return progressDoneMsg{}
	}
}

func (m progressModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
		m.bar.SetWidth(min(60, max(10, msg.Width-4)))
	case tea.KeyPressMsg:
		switch msg.String() {
		case "ctrl+c", "q", "esc":
			// Stop the run; the done message then ends the program, so
			// the partial result is still printed.
			m.cancel()
		}
	case progressTickMsg:
		m.last = m.sample()
		return m, m.tick()
	case progressDoneMsg:
		m.last = m.sample()
		m.quit = true
		return m, tea.Quit
	}
	return m, nil
}

func (m progressModel) View() tea.View {
	if m.quit {
		return tea.NewView("")
	}
	var b strings.Builder
	b.WriteString(m.title + "\n\n")
	b.WriteString(m.bar.ViewAs(min(1, max(0, m.last.Fraction))) + "\n\n")
	b.WriteString(m.last.Line + "\n")
	b.WriteString("q: stop early\n")
	return tea.NewView(b.String())
}

// Run shows a progress bar on out (a terminal) until done is closed;
// a key press of q or ctrl+c calls cancel, and the display stays until the
// run reports done.
func Run(ctx context.Context, out io.Writer, title string, sample func() Sample, done <-chan struct{}, cancel func()) error {
	m := progressModel{title: title, sample: sample, done: done, cancel: cancel,
		bar: progress.New(progress.WithDefaultBlend(), progress.WithWidth(40))}
	_, err := tea.NewProgram(m, tea.WithContext(ctx), tea.WithOutput(out)).Run()
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

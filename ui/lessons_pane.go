package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/lessons"
)

// LessonOptions choose what the lesson pane opens.
type LessonOptions struct {
	Number int    // lesson to open (1-based); 0: the lesson list (or the last one opened)
	Dir    string // an instructor's lessons, numbered after the built-in ones
	// ProgressPath is where progress is saved; "" means the user's config
	// directory (lessons.DefaultProgressPath). Tests use a temp dir.
	ProgressPath string
	// Engine tunes the lesson engine (tests shorten its waits).
	Engine lessons.Options
}

// Autoplay speeds, slowest last; + and - move along.
var autoplaySpeeds = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 5 * time.Second, 8 * time.Second}

// lessonKeys are the lesson pane's bindings. They belong in KeyMap; they
// live here until the UI owner merges them (the pane may not edit keys.go).
type lessonKeys struct {
	Next, Prev, Restart, List, Hint, Code, Auto, Faster, Slower, Up, Down, Choose key.Binding
}

func newLessonKeys() lessonKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return lessonKeys{
		Next:    b("n/→", "next step", "n", "right", "space"),
		Prev:    b("p/←", "previous (replay)", "p", "left"),
		Restart: b("r", "restart", "r"),
		List:    b("l", "lessons", "l"),
		Hint:    b("h", "hint", "h"),
		Code:    b("c", "python/go", "c"),
		Auto:    b("a", "autoplay", "a"),
		Faster:  b("+", "faster", "+", "="),
		Slower:  b("-", "slower", "-"),
		Up:      b("↑", "up", "up", "k"),
		Down:    b("↓", "down", "down", "j"),
		Choose:  b("enter", "answer/open", "enter"),
	}
}

// lessonStepMsg is sent when a step has run on the lesson's lab.
type lessonStepMsg struct {
	gen int
	res *lessons.StepResult
	err error
}

// lessonRunMsg is sent when a lesson run was (re)started and replayed to
// the step asked for.
type lessonRunMsg struct {
	gen int
	run *lessons.Run
	err error
}

// lessonTickMsg is autoplay's clock.
type lessonTickMsg struct{ gen int }

// lessonSavedMsg is sent when the progress file was written.
type lessonSavedMsg struct{ err error }

func (lessonStepMsg) target() paneID  { return paneLessons }
func (lessonRunMsg) target() paneID   { return paneLessons }
func (lessonTickMsg) target() paneID  { return paneLessons }
func (lessonSavedMsg) target() paneID { return paneLessons }

// codeMode says which code the pane shows.
type codeMode int

const (
	codeBoth codeMode = iota
	codePython
	codeGo
)

// lessonsPane plays lessons: the text of a step, its code in Python and
// Go, the prediction before the step runs, and after it the real outcome
// and the ladder diagram of the calls the kernel answered.
type lessonsPane struct {
	c    *Common
	opts LessonOptions
	keys lessonKeys

	catalog  []*lessons.Lesson
	loadErr  error
	prog     *lessons.Progress
	progPath string

	listMode bool
	sel      int // selected row of the list

	cur     int // index of the open lesson, -1 for none
	run     *lessons.Run
	results []*lessons.StepResult
	answers map[int]int // step index → the choice the learner picked
	asking  bool        // the next step's prediction is on screen
	choice  int         // highlighted choice
	busy    bool        // a step or a replay is running
	gen     int         // bumps on every (re)start; stale messages are dropped
	err     string
	hint    bool
	code    codeMode
	auto    bool
	speed   int // index in autoplaySpeeds
	md      mdCache
}

func newLessonsPane(c *Common) *lessonsPane { return newLessonsPaneWith(c, LessonOptions{}) }

func newLessonsPaneWith(c *Common, o LessonOptions) *lessonsPane {
	p := &lessonsPane{c: c, opts: o, keys: newLessonKeys(), cur: -1, speed: 2, answers: map[int]int{}}
	p.catalog, p.loadErr = lessons.Catalog(o.Dir)
	p.progPath = o.ProgressPath
	if p.progPath == "" {
		p.progPath, _ = lessons.DefaultProgressPath()
	}
	p.prog = &lessons.Progress{Lessons: map[string]*lessons.LessonProgress{}}
	return p
}

// RunLessons starts the program on the lesson pane, at lo.Number.
func RunLessons(ctx context.Context, opts Options, lo LessonOptions, progOpts ...tea.ProgramOption) error {
	opts.Pane = "lessons"
	m := NewModel(opts)
	m.panes[paneLessons] = newLessonsPaneWith(m.c, lo)
	defer m.Close()
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, progOpts...)...)
	_, err := p.Run()
	return err
}

func (p *lessonsPane) Title() string { return "Lessons" }
func (p *lessonsPane) Typing() bool  { return false }

// Init loads progress (a small file: read once at start, before the first
// frame matters) and opens the lesson asked for, or the last one, or the list.
func (p *lessonsPane) Init() tea.Cmd {
	if p.progPath != "" {
		if pr, err := lessons.LoadProgress(p.progPath); err == nil {
			p.prog = pr
		} else {
			p.err = "progress file unreadable: " + err.Error()
		}
	}
	if len(p.catalog) == 0 {
		return nil
	}
	n := p.opts.Number - 1
	if n < 0 {
		for i, l := range p.catalog {
			if l.ID == p.prog.Last {
				n = i
			}
		}
	}
	if n < 0 || n >= len(p.catalog) {
		p.listMode = true
		return nil
	}
	resume := p.prog.Of(p.catalog[n].ID)
	step := resume.Step
	if resume.Done || step >= len(p.catalog[n].Steps) {
		step = 0
	}
	return p.open(n, step)
}

// open starts lesson i and replays its first step steps.
func (p *lessonsPane) open(i, steps int) tea.Cmd {
	p.listMode = false
	p.sel = i
	if p.cur != i {
		p.answers = map[int]int{}
	}
	p.cur = i
	p.prog.Last = p.catalog[i].ID
	return p.replay(steps)
}

// replay throws the lab away and plays the first n steps on a new one:
// bytes already sent cannot be unsent, so going back means starting over.
func (p *lessonsPane) replay(n int) tea.Cmd {
	p.gen++
	gen, old, l, eo := p.gen, p.run, p.catalog[p.cur], p.opts.Engine
	p.run, p.results, p.asking, p.busy, p.err, p.hint = nil, nil, false, true, "", false
	return func() tea.Msg {
		if old != nil {
			old.Close()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		r, err := lessons.PlayTo(ctx, l, n, eo)
		return lessonRunMsg{gen: gen, run: r, err: err}
	}
}

// next runs the next step, or first shows its prediction.
func (p *lessonsPane) next() tea.Cmd {
	if p.busy || p.run == nil || p.cur < 0 {
		return nil
	}
	l := p.catalog[p.cur]
	pos := len(p.results)
	if pos >= len(l.Steps) {
		return nil
	}
	if pr := l.Steps[pos].Predict; pr != nil && !p.asking {
		if _, answered := p.answers[pos]; !answered {
			p.asking, p.choice, p.hint = true, 0, false
			return nil
		}
	}
	if p.asking {
		return nil // answer first (enter), the key help says so
	}
	return p.step()
}

func (p *lessonsPane) step() tea.Cmd {
	p.busy, p.asking, p.hint = true, false, false
	gen, r := p.gen, p.run
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		res, err := r.Next(ctx)
		return lessonStepMsg{gen: gen, res: res, err: err}
	}
}

func (p *lessonsPane) answer() tea.Cmd {
	pos := len(p.results)
	p.answers[pos] = p.choice
	return p.step()
}

func (p *lessonsPane) tick() tea.Cmd {
	gen := p.gen
	return tea.Tick(autoplaySpeeds[p.speed], func(time.Time) tea.Msg { return lessonTickMsg{gen: gen} })
}

// save writes a copy of the progress in the background.
func (p *lessonsPane) save() tea.Cmd {
	if p.progPath == "" {
		return nil
	}
	cp, path := p.prog.Clone(), p.progPath
	return func() tea.Msg { return lessonSavedMsg{err: cp.Save(path)} }
}

func (p *lessonsPane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case lessonRunMsg:
		if msg.gen != p.gen {
			if msg.run != nil {
				return func() tea.Msg { msg.run.Close(); return nil }
			}
			return nil
		}
		p.busy = false
		if msg.err != nil {
			p.err = msg.err.Error()
			return nil
		}
		p.run, p.results = msg.run, msg.run.Results()
		return nil
	case lessonStepMsg:
		if msg.gen != p.gen {
			return nil
		}
		p.busy = false
		if msg.err != nil {
			p.err = msg.err.Error()
			p.auto = false
			return nil
		}
		p.results = append(p.results, msg.res)
		l := p.catalog[p.cur]
		if i, ok := p.answers[msg.res.Index]; ok && msg.res.Choices != nil && i < len(msg.res.Choices) {
			p.prog.Answered(l.ID, msg.res.Choices[i])
		}
		p.prog.Reached(l.ID, len(p.results), len(l.Steps))
		if len(p.results) == len(l.Steps) {
			p.auto = false
		}
		return p.save()
	case lessonTickMsg:
		if msg.gen != p.gen || !p.auto {
			return nil
		}
		var cmd tea.Cmd
		if !p.busy {
			if p.asking {
				cmd = p.step() // autoplay shows the question, then runs without an answer
			} else {
				cmd = p.next()
			}
		}
		return tea.Batch(cmd, p.tick())
	case lessonSavedMsg:
		if msg.err != nil {
			p.err = "progress not saved: " + msg.err.Error()
		}
		return nil
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

func (p *lessonsPane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.keys
	if p.listMode || p.cur < 0 {
		switch {
		case key.Matches(msg, k.Up):
			p.sel = max(0, p.sel-1)
		case key.Matches(msg, k.Down):
			p.sel = min(len(p.catalog)-1, p.sel+1)
		case key.Matches(msg, k.Choose), key.Matches(msg, k.Next):
			if len(p.catalog) > 0 {
				return p.open(p.sel, 0)
			}
		case key.Matches(msg, k.List):
			if p.cur >= 0 {
				p.listMode = false
			}
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.List):
		p.listMode, p.sel, p.auto = true, p.cur, false
		return nil
	case p.asking && key.Matches(msg, k.Up):
		p.choice = max(0, p.choice-1)
		return nil
	case p.asking && key.Matches(msg, k.Down):
		if pr := p.catalog[p.cur].Steps[len(p.results)].Predict; pr != nil {
			p.choice = min(len(pr.Choices)-1, p.choice+1)
		}
		return nil
	case p.asking && key.Matches(msg, k.Choose):
		if !p.busy {
			return p.answer()
		}
		return nil
	case key.Matches(msg, k.Next):
		return p.next()
	case key.Matches(msg, k.Prev):
		if p.busy {
			return nil
		}
		if p.asking {
			p.asking = false
			return nil
		}
		if len(p.results) > 0 {
			return p.replay(len(p.results) - 1)
		}
		return nil
	case key.Matches(msg, k.Restart):
		p.auto = false
		return p.replay(0)
	case key.Matches(msg, k.Hint):
		p.hint = !p.hint
	case key.Matches(msg, k.Code):
		p.code = (p.code + 1) % 3
	case key.Matches(msg, k.Auto):
		p.auto = !p.auto
		if p.auto {
			return p.tick()
		}
	case key.Matches(msg, k.Faster):
		p.speed = max(0, p.speed-1)
	case key.Matches(msg, k.Slower):
		p.speed = min(len(autoplaySpeeds)-1, p.speed+1)
	}
	return nil
}

// Status is the pane's part of the status line.
func (p *lessonsPane) Status() string {
	if p.cur < 0 || p.listMode {
		return fmt.Sprintf("lessons · %d in the list", len(p.catalog))
	}
	l := p.catalog[p.cur]
	s := fmt.Sprintf("lesson %d · step %d/%d", p.cur+1, len(p.results), len(l.Steps))
	if p.busy {
		s += " · running…"
	}
	if p.auto {
		s += fmt.Sprintf(" · autoplay every %s (+/-)", autoplaySpeeds[p.speed])
	}
	if p.prog.Of(l.ID).Done {
		s += " · ✓ done"
	}
	// The root's footer shows the lab panes' keys; the lesson keys go here
	// until they join KeyMap.
	return s + " │ n next · p back · r restart · l list · h hint · c code · a auto"
}

// Close ends the lesson's lab.
func (p *lessonsPane) Close() {
	p.gen++
	if p.run != nil {
		p.run.Close()
		p.run = nil
	}
}

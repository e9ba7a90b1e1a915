package lessonpane

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/common"
)

// Options choose what the lesson pane opens.
type Options struct {
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

func (lessonStepMsg) Target() common.PaneID  { return common.PaneLessons }
func (lessonRunMsg) Target() common.PaneID   { return common.PaneLessons }
func (lessonTickMsg) Target() common.PaneID  { return common.PaneLessons }
func (lessonSavedMsg) Target() common.PaneID { return common.PaneLessons }

// codeMode says which code the pane shows.
type codeMode int

const (
	codeBoth codeMode = iota
	codePython
	codeGo
)

// Pane plays lessons: the text of a step, its code in Python and
// Go, the prediction before the step runs, and after it the real outcome
// and the ladder diagram of the calls the kernel answered.
type Pane struct {
	catalogRead bool   // loadCatalog ran
	callsOnly   bool   // w: hide the captured segments
	segSeq      uint64 // the segment picked with [ and ] (its Seq); 0: none
	c           *common.Common
	wire        netlab.WireConfig // whether the labs capture the segments, or why not
	opts        Options

	catalog  []*lessons.Lesson
	loadErr  error
	prog     *lessons.Progress
	progPath string

	// state is what the pane is doing (the list, a question, a lesson
	// read); see lessonMode. With no lesson open it is always the list.
	state lessonMode
	// listFrom is the state l left for the list: l again goes back to it
	// (a question still open stays open).
	listFrom lessonMode
	sel      int // selected row of the list

	cur     int // index of the open lesson, -1 for none
	run     *lessons.Run
	results []*lessons.StepResult
	answers map[int]int // step index → the choice the learner picked
	// scroll is how many lines of the lesson text are scrolled away;
	// scrollMax is the most the last View allowed; scrollPage how many
	// lines of text it showed (a page key moves a little less, so no line
	// is skipped).
	scroll, scrollMax, scrollPage int
	showChecks                    bool // x: each expectation rule with its values
	lastWidth                     int  // the width of the last View
	choice                        int  // highlighted choice
	busy                          bool // a step or a replay is running
	nextWanted                    bool // n was pressed while the lesson's lab was starting
	gen                           int  // bumps on every (re)start; stale messages are dropped
	err                           string
	hint                          bool
	code                          codeMode
	auto                          bool
	speed                         int // index in autoplaySpeeds
	md                            mdCache
}

func New(c *common.Common, o Options, wire netlab.WireConfig) *Pane {
	p := &Pane{c: c, opts: o, wire: wire, cur: -1, speed: 2, answers: map[int]int{}}
	p.progPath = o.ProgressPath
	if p.progPath == "" {
		p.progPath, _ = lessons.DefaultProgressPath()
	}
	p.prog = &lessons.Progress{Lessons: map[string]*lessons.LessonProgress{}}
	return p
}

// Replay shows lesson l as though its steps had run with results and its
// questions had been answered (answers: step index → the choice made),
// with no lab and no progress file: the root's golden screens show a
// lesson this way.
func (p *Pane) Replay(l *lessons.Lesson, results []*lessons.StepResult, answers map[int]int) {
	p.loadCatalog()
	p.catalog, p.loadErr, p.progPath = []*lessons.Lesson{l}, nil, ""
	p.cur, p.results, p.answers = 0, results, answers
}

// Busy reports whether a step or a replay is running: keys that start
// one wait until it ends.
func (p *Pane) Busy() bool { return p.busy }

func (p *Pane) Title() string { return "Lessons" }
func (p *Pane) Typing() bool  { return false }

// Init reads the lessons and the progress file, then opens the lesson asked
// for, or the last one, or the list. Reading the lessons (about 3 ms) waits
// until the pane is first shown: a program that opens on a lab pane draws
// its first frame without it.
func (p *Pane) Init() tea.Cmd {
	p.loadCatalog()
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
		p.state = modeList
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
func (p *Pane) open(i, steps int) tea.Cmd {
	p.state = modeReading
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
func (p *Pane) replay(n int) tea.Cmd {
	p.gen++
	gen, old, l, eo := p.gen, p.run, p.catalog[p.cur], p.opts.Engine
	eo.Wire = p.wire
	p.run, p.results, p.busy, p.err, p.hint, p.nextWanted = nil, nil, true, "", false, false
	p.leaveQuestion()
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
func (p *Pane) next() tea.Cmd {
	if p.busy && p.run == nil && p.cur >= 0 {
		// The footer offers n as soon as a lesson opens, while its lab is
		// still starting: the press is kept, not dropped.
		p.nextWanted = true
		return nil
	}
	if p.busy || p.run == nil || p.cur < 0 {
		return nil
	}
	l := p.catalog[p.cur]
	pos := len(p.results)
	if pos >= len(l.Steps) {
		if p.cur+1 < len(p.catalog) {
			return p.open(p.cur+1, 0) // the lesson is over: n goes on to the next
		}
		return nil
	}
	if pr := l.Steps[pos].Predict; pr != nil && p.state != modeQuestion && !(l.Steps[pos].NeedsWire() && !p.wireOn()) {
		if _, answered := p.answers[pos]; !answered {
			p.state, p.choice, p.hint, p.scroll = modeQuestion, 0, false, 0
			return nil
		}
	}
	if p.state == modeQuestion {
		return nil // answer first (enter), the key help says so
	}
	return p.step()
}

func (p *Pane) step() tea.Cmd {
	p.busy, p.hint, p.scroll = true, false, 0
	p.leaveQuestion()
	gen, r := p.gen, p.run
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		res, err := r.Next(ctx)
		return lessonStepMsg{gen: gen, res: res, err: err}
	}
}

func (p *Pane) answer() tea.Cmd {
	pos := len(p.results)
	p.answers[pos] = p.choice
	return p.step()
}

func (p *Pane) tick() tea.Cmd {
	gen := p.gen
	return tea.Tick(autoplaySpeeds[p.speed], func(time.Time) tea.Msg { return lessonTickMsg{gen: gen} })
}

// save writes a copy of the progress in the background.
func (p *Pane) save() tea.Cmd {
	if p.progPath == "" {
		return nil
	}
	cp, path := p.prog.Clone(), p.progPath
	return func() tea.Msg { return lessonSavedMsg{err: cp.Save(path)} }
}

func (p *Pane) Update(msg tea.Msg) tea.Cmd {
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
		if p.nextWanted {
			p.nextWanted = false
			return p.next()
		}
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
		if i, ok := p.answers[msg.res.Index]; ok && msg.res.Graded() && i < len(msg.res.Choices) {
			p.prog.Answered(l.ID, msg.res.Index, msg.res.Choices[i])
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
		// Autoplay stops at a question and waits for the learner's answer:
		// it never runs a step whose prediction was not made.
		if !p.busy && p.mode() != modeQuestion {
			cmd = p.next()
		}
		return tea.Batch(cmd, p.tick())
	case lessonSavedMsg:
		if msg.err != nil {
			p.err = "progress not saved: " + msg.err.Error()
		}
		return nil
	case tea.KeyPressMsg:
		return p.key(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			p.scroll = max(0, p.scroll-3)
		case tea.MouseWheelDown:
			p.scroll = min(p.scrollMax, p.scroll+3)
		}
	}
	return nil
}

// lessonMode is what the lesson pane is doing, which decides what a key
// does: the list of lessons, a question waiting for its answer, or a
// lesson being read.
type lessonMode int

const (
	modeReading lessonMode = iota // the zero state: an open lesson is read
	modeQuestion
	modeList
)

// mode is the pane's mode: its state, the list while no lesson is open.
func (p *Pane) mode() lessonMode {
	if p.cur < 0 {
		return modeList
	}
	return p.state
}

// leaveQuestion goes back to reading from a question (a step runs, a
// replay starts); the list stays the list.
func (p *Pane) leaveQuestion() {
	if p.state == modeQuestion {
		p.state = modeReading
	}
}

func (p *Pane) key(msg tea.KeyPressMsg) tea.Cmd {
	switch p.mode() {
	case modeList:
		return p.listKey(msg)
	case modeQuestion:
		if cmd, ok := p.questionKey(msg); ok {
			return cmd
		}
	}
	if cmd, ok := p.moveKey(msg); ok {
		return cmd
	}
	if p.mode() == modeQuestion {
		return p.questionToggleKey(msg)
	}
	return p.readingKey(msg)
}

// listKey is a key in the list of lessons.
func (p *Pane) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Lesson.Up):
		p.sel = max(0, p.sel-1)
	case key.Matches(msg, k.Lesson.Down):
		p.sel = min(len(p.catalog)-1, p.sel+1)
	case key.Matches(msg, k.Lesson.Choose), key.Matches(msg, k.Lesson.Next):
		if len(p.catalog) > 0 {
			return p.open(p.sel, 0)
		}
	case key.Matches(msg, k.Lesson.List):
		if p.cur >= 0 {
			p.state = p.listFrom
			if p.state == modeList {
				p.state = modeReading
			}
		}
	}
	return nil
}

// questionKey is a key that answers a question: ↑/↓ move between the
// choices, enter answers. ok says whether the key was one of them.
func (p *Pane) questionKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Lesson.Up):
		p.choice = max(0, p.choice-1)
	case key.Matches(msg, k.Lesson.Down):
		if pr := p.catalog[p.cur].Steps[len(p.results)].Predict; pr != nil {
			p.choice = min(len(pr.Choices)-1, p.choice+1)
		}
	case key.Matches(msg, k.Lesson.Choose):
		if !p.busy {
			return p.answer(), true
		}
	default:
		return nil, false
	}
	return nil, true
}

// moveKey is a key that moves through the lesson, in any mode but the
// list: scroll, the list, next, back, restart. ok says whether it was one.
func (p *Pane) moveKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.ScrollUp), key.Matches(msg, k.Lesson.Up):
		p.scroll = max(0, p.scroll-p.scrollStep(msg))
	case key.Matches(msg, k.ScrollDown), key.Matches(msg, k.Lesson.Down):
		p.scroll = min(p.scrollMax, p.scroll+p.scrollStep(msg))
	case key.Matches(msg, k.Lesson.List):
		p.listFrom, p.state, p.sel, p.auto = p.state, modeList, p.cur, false
	case key.Matches(msg, k.Lesson.Next):
		return p.next(), true
	case key.Matches(msg, k.Lesson.Prev):
		return p.back(), true
	case key.Matches(msg, k.Lesson.Restart):
		// From the start, questions and all: r asks every prediction again.
		p.auto = false
		clear(p.answers)
		return p.replay(0), true
	default:
		return nil, false
	}
	return nil, true
}

// back is p: leave the question, or replay to the step before.
func (p *Pane) back() tea.Cmd {
	switch {
	case p.busy:
		return nil
	case p.state == modeQuestion:
		p.state = modeReading
		return nil
	case len(p.results) > 0:
		return p.replay(len(p.results) - 1)
	}
	return nil
}

// questionToggleKey is any other key at a question: only h acts. The code
// may give the answer away, and autoplay must not skip it.
func (p *Pane) questionToggleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys
	if key.Matches(msg, k.Lesson.Hint) {
		p.hint = !p.hint
	} else if p.segSeq != 0 && key.Matches(msg, k.SegClose) {
		p.segSeq = 0
	}
	return nil
}

// readingKey is any other key while a lesson is read: the toggles, the
// segment picker, the code, autoplay.
func (p *Pane) readingKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Lesson.Hint):
		p.hint = !p.hint
	case key.Matches(msg, k.Lesson.Checks):
		p.showChecks = !p.showChecks
	case key.Matches(msg, k.Packets):
		p.callsOnly = !p.callsOnly
		p.segSeq = 0
	case p.showPackets() && key.Matches(msg, k.SegOlder):
		p.pickSegment(-1)
	case p.showPackets() && key.Matches(msg, k.SegNewer):
		p.pickSegment(1)
	case p.segSeq != 0 && key.Matches(msg, k.SegClose):
		p.segSeq = 0
	case key.Matches(msg, k.Lesson.Code):
		p.nextCode()
	case key.Matches(msg, k.Lesson.Auto):
		p.auto = !p.auto
		if p.auto {
			return p.tick()
		}
	case key.Matches(msg, k.Lesson.Faster):
		p.speed = max(0, p.speed-1)
	case key.Matches(msg, k.Lesson.Slower):
		p.speed = min(len(autoplaySpeeds)-1, p.speed+1)
	}
	return nil
}

// nextCode is c. Where both do not fit side by side (they show as Python),
// c switches Python ↔ Go: every press changes what is on screen.
func (p *Pane) nextCode() {
	narrow := p.lastWidth < 100
	switch shown := p.code; {
	case shown == codePython || (shown == codeBoth && narrow):
		p.code = codeGo
	case shown == codeGo && narrow:
		p.code = codePython
	case shown == codeGo:
		p.code = codeBoth
	default:
		p.code = codePython
	}
}

// Status is the pane's part of the status line.
func (p *Pane) Status() string {
	if p.mode() == modeList {
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
	return s
}

// Help puts first what moves the learner on: choose and open in the list,
// answer a prediction, the next step, or the list once the lesson is over.
func (p *Pane) Help() ([]key.Binding, [][]key.Binding) {
	k := p.c.Keys
	full := [][]key.Binding{
		{k.Lesson.Next, k.Lesson.Prev, k.Lesson.Restart, k.Lesson.List, k.Lesson.Hint, k.Lesson.Code},
		{k.Lesson.Auto, k.Lesson.Faster, k.Lesson.Slower, k.Lesson.Up, k.Lesson.Choose, k.Lesson.Checks, k.ScrollDown, k.Packets},
	}
	switch {
	case p.loadErr != nil || len(p.catalog) == 0:
		return nil, full
	case p.mode() == modeList:
		short := []key.Binding{k.Lesson.Up, k.Lesson.Choose}
		if p.cur >= 0 {
			short = append(short, common.Relabel(k.Lesson.List, "l", "back to the lesson"))
		}
		return short, full
	case p.mode() == modeQuestion:
		short := []key.Binding{common.Relabel(k.Lesson.Up, "↑/↓", "choose an answer"), common.Relabel(k.Lesson.Choose, "enter", "answer")}
		if _, step, _ := p.shownStep(); step != nil && step.Hint != "" {
			short = append(short, k.Lesson.Hint) // offered only where there is one
		}
		return append(short, k.Lesson.Prev), full
	}
	l := p.catalog[p.cur]
	if len(p.results) >= len(l.Steps) {
		short := []key.Binding{k.Lesson.List, k.Lesson.Restart, k.Lesson.Prev}
		if p.cur+1 < len(p.catalog) {
			short = append([]key.Binding{common.Relabel(k.Lesson.Next, "n", "next lesson")}, short...)
		}
		return short, full
	}
	short := []key.Binding{k.Lesson.Next, k.Lesson.Prev, k.Lesson.List}
	if _, step, _ := p.shownStep(); step != nil && step.Hint != "" {
		short = append(short, k.Lesson.Hint) // offered only where there is one
	}
	short = append(short, k.Lesson.Restart, k.Lesson.Code, k.Lesson.Auto)
	if p.segSeq != 0 {
		short = append([]key.Binding{k.SegClose, k.SegOlder}, short...)
	} else if len(p.segments()) > 0 {
		short = append(short, k.SegOlder)
	}
	if p.auto {
		short = []key.Binding{common.Relabel(k.Lesson.Auto, "a", "stop autoplay"), k.Lesson.Faster, k.Lesson.Slower, k.Lesson.List}
	}
	return short, full
}

// Close ends the lesson's lab.
func (p *Pane) Close() {
	p.gen++
	if p.run != nil {
		p.run.Close()
		p.run = nil
	}
}

// scrollStep is how far a key scrolls the lesson text: a page or a line.
func (p *Pane) scrollStep(msg tea.KeyPressMsg) int {
	if s := msg.String(); s == "pgup" || s == "pgdown" {
		return max(1, p.scrollPage-2)
	}
	return 1
}

// wireOn reports whether the lesson's lab captures segments (before its
// lab exists: whether capture was asked for).
func (p *Pane) wireOn() bool {
	if p.run != nil {
		return p.run.Lab.WireOn()
	}
	return p.wire.Capture
}

// segments are the captured segments of the ladder on screen, oldest first.
func (p *Pane) segments() []event.Event {
	if !p.showPackets() || p.mode() == modeList {
		return nil
	}
	idx, _, _ := p.shownStep()
	evs, _ := p.ladderInput(idx)
	var out []event.Event
	for _, e := range evs {
		if e.Kind == event.KindPacket && e.Pkt != nil {
			out = append(out, e)
		}
	}
	return out
}

// pickSegment moves the segment selection: [ from none picks the newest.
func (p *Pane) pickSegment(d int) {
	segs := p.segments()
	if len(segs) == 0 {
		return
	}
	i := len(segs)
	for j, e := range segs {
		if e.Seq == p.segSeq {
			i = j
		}
	}
	i = min(max(i+d, 0), len(segs)-1)
	p.segSeq = segs[i].Seq
}

// pickedSegment is the selected segment if it is still on screen.
func (p *Pane) pickedSegment() (event.Event, bool) {
	if p.segSeq == 0 {
		return event.Event{}, false
	}
	for _, e := range p.segments() {
		if e.Seq == p.segSeq {
			return e, true
		}
	}
	return event.Event{}, false
}

// loadCatalog reads the lessons once.
func (p *Pane) loadCatalog() {
	if p.catalogRead {
		return
	}
	p.catalogRead = true
	p.catalog, p.loadErr = lessons.Catalog(p.opts.Dir)
}

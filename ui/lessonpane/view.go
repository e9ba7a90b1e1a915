package lessonpane

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/ladder"
	"github.com/socklab/socklab/ui/theme"
)

// View renders the pane: the lesson list, or the open lesson.
func (p *Pane) View(width, height int) string {
	st := p.c.Styles
	p.lastWidth = width // c skips the side-by-side code where it cannot fit
	switch {
	case p.loadErr != nil:
		return theme.Block(append([]string{st.Error.Render("The lessons could not be loaded:")},
			strings.Split(p.loadErr.Error(), "\n")...), width, height)
	case p.mode() == modeList:
		return p.viewList(width, height)
	}
	return p.viewLesson(width, height)
}

func (p *Pane) viewList(width, height int) string {
	st := p.c.Styles
	lines := []string{st.Title.Render("Lessons"), ""}
	for i, l := range p.catalog {
		lp := p.prog.Of(l.ID)
		mark := "[ ]  "
		switch {
		case lp.Done:
			mark = "[✓]  "
		case lp.Step > 0:
			mark = fmt.Sprintf("[%d/%d]", lp.Step, len(l.Steps))
		}
		row := fmt.Sprintf(" %2d %-6s %s", i+1, mark, l.Title)
		if i == p.sel {
			row = st.Selected.Render(theme.Fit("▸"+row[1:], width-2))
		} else if lp.Done {
			row = st.Wire.Render(row)
		}
		lines = append(lines, row)
	}
	hint := "↑/↓ choose · enter open"
	if p.cur >= 0 {
		hint += " · l back to the lesson"
	}
	lines = append(lines, "", st.Muted.Render(hint))
	if p.err != "" {
		lines = append(lines, st.Error.Render(p.err))
	}
	return theme.Block(lines, width, height)
}

// shownStep says what the lesson screen is about: the step whose
// prediction is asked, or the last step played (nil: the introduction).
func (p *Pane) shownStep() (int, *lessons.Step, *lessons.StepResult) {
	l := p.catalog[p.cur]
	pos := len(p.results)
	if p.mode() == modeQuestion && pos < len(l.Steps) {
		return pos, &l.Steps[pos], nil
	}
	if pos > 0 {
		return pos - 1, &l.Steps[pos-1], p.results[pos-1]
	}
	return -1, nil, nil
}

func (p *Pane) viewLesson(width, height int) string {
	st := p.c.Styles
	l := p.catalog[p.cur]
	idx, step, res := p.shownStep()

	// The step on screen, counted as the body counts it.
	right := fmt.Sprintf("step %d/%d", idx+1, len(l.Steps))
	if idx < 0 {
		right = fmt.Sprintf("introduction · %d steps", len(l.Steps))
	}
	if p.prog.Of(l.ID).Done {
		right += "  ✓ done"
	}
	title := st.Title.Render(fmt.Sprintf("Lesson %d/%d · %s", p.cur+1, len(p.catalog), l.Title))
	header := theme.Fit(title, width-ansi.StringWidth(right)-1) + " " + st.Kernel.Render(right)

	// Side by side when the ladder's rows fit beside a readable text
	// column (at least 44 columns, at most 9/20 of the width); otherwise
	// the ladder goes below the text at full width, so no row is cut.
	ladderEvents, blocked := p.ladderInput(idx)
	textW := width
	need := ladder.LadderWidth(ladderEvents, height, st, p.showPackets())
	wide := width >= 120 && width-need-1 >= 44
	if wide {
		textW = min(width*9/20, width-need-1)
	}
	text := theme.WrapLines(p.textLines(l, idx, step, res, textW), textW)

	if wide {
		sideW := width - textW - 1
		codeLines := p.codeLines(step, sideW, height/2-1, codeBeside)
		if seg, ok := p.pickedSegment(); ok {
			codeLines = p.segmentLines(seg, sideW, height/2-1)
		}
		ladH := height - 1 - len(codeLines)
		side := append(codeLines, strings.Split(ladder.Render(ladderEvents, sideW, ladH, st, ladder.Opts{Blocked: blocked, Packets: p.showPackets(), Selected: p.segSeq}), "\n")...)
		body := theme.SideBySide(theme.Block(p.scrolled(text, height-1), textW, height-1), theme.Block(side, sideW, height-1), 1)
		return theme.Block(append([]string{header}, strings.Split(body, "\n")...), width, height)
	}
	// The ladder keeps at least 10 rows (and its header) where the height
	// allows: at 80x24 it is the step's evidence, the text scrolls.
	ladH := max(min(11, height-10), (height-1)/4)
	codeLines := p.codeLines(step, width, min(7, height/5), codeAcross)
	if seg, ok := p.pickedSegment(); ok {
		codeLines = p.segmentLines(seg, width, max(7, height/3))
	}
	textH := max(1, height-1-ladH-len(codeLines))
	if len(text) < textH {
		// Short text: the ladder takes the free lines instead of blanks.
		ladH += textH - len(text)
		textH = max(1, len(text))
	}
	out := []string{header}
	out = append(out, strings.Split(theme.Block(p.scrolled(text, textH), width, textH), "\n")...)
	out = append(out, codeLines...)
	out = append(out, strings.Split(ladder.Render(ladderEvents, width, ladH, st, ladder.Opts{Blocked: blocked, Packets: p.showPackets(), Selected: p.segSeq}), "\n")...)
	return theme.Block(out, width, height)
}

// textLines is the left column: the step title, the prediction or the real
// outcome, the prose, the hint.
func (p *Pane) textLines(l *lessons.Lesson, idx int, step *lessons.Step, res *lessons.StepResult, w int) []string {
	st := p.c.Styles
	var out []string
	if step == nil {
		out = append(out, p.md.render(l.Intro, w, st)...)
		if len(l.Steps) > 0 && l.Steps[0].Predict != nil {
			out = append(out, "", st.Prompt.Render("▶ n: step 1 — first, a question"))
		} else if len(l.Steps) > 0 {
			out = append(out, "", st.Prompt.Render(fmt.Sprintf("▶ n: step 1 — %s", l.Steps[0].Title)))
		}
		return p.withErr(out)
	}
	asking := res == nil && step.Predict != nil
	if asking {
		// Until the learner answers, nothing on screen may give the answer
		// away: no title, no prose, no code (codeLines), only the question.
		out = append(out, st.Title.Render(fmt.Sprintf("Step %d", idx+1)))
	} else {
		out = append(out, st.Title.Render(fmt.Sprintf("Step %d · %s", idx+1, step.Title)))
	}
	if asking {
		out = append(out, st.Prompt.Render("Predict: ")+step.Predict.Question)
		for i, c := range step.Predict.Choices {
			row := fmt.Sprintf("  %c) %s", 'a'+i, c.Text)
			if i == p.choice {
				row = st.Selected.Render("▸" + row[1:])
			}
			out = append(out, row)
		}
		out = append(out, st.Muted.Render("  ↑/↓ choose · enter: answer and run the step"))
	}
	if res != nil {
		out = append(out, p.outcomeLines(idx, step, res)...)
		out = append(out, openPortWarnings(res.Events, st)...)
	}
	out = append(out, "")
	if asking {
		out = append(out, st.Muted.Render("The step's title, explanation and code appear once you have answered."))
	} else {
		out = append(out, p.md.render(step.Text, w, st)...)
	}
	if p.hint && step.Hint != "" {
		out = append(out, "", st.Kernel.Render("Hint: ")+step.Hint)
	}
	if res != nil && len(p.results) == len(l.Steps) {
		out = append(out, "", st.Wire.Render("✓ Lesson complete. l: lesson list · r: play it again"))
		if asked, right := p.score(); asked > 0 {
			out = append(out, st.Prompt.Render(fmt.Sprintf("Your predictions: %d of %d as the kernel did", right, asked)))
		}
	} else if res != nil && !p.busy {
		next := l.Steps[len(p.results)]
		if next.Predict != nil { // its title could give its answer away
			out = append(out, "", st.Prompt.Render(fmt.Sprintf("▶ n: step %d — first, a question", len(p.results)+1)))
		} else {
			out = append(out, "", st.Prompt.Render(fmt.Sprintf("▶ n: step %d — %s", len(p.results)+1, next.Title)))
		}
	}
	return p.withErr(out)
}

func (p *Pane) withErr(out []string) []string {
	if p.busy {
		out = append([]string{p.c.Styles.Blocked.Render("running on real sockets…")}, out...)
	}
	if p.err != "" {
		out = append([]string{p.c.Styles.Error.Render(p.err)}, out...)
	}
	return out
}

// outcomeLines shows the learner's answer beside the real outcome, then
// each expectation with the values the kernel gave.
func (p *Pane) outcomeLines(idx int, step *lessons.Step, res *lessons.StepResult) []string {
	st := p.c.Styles
	var out []string
	if step.Predict != nil && res.Choices == nil && step.NeedsWire() {
		out = append(out, st.Muted.Render("This step's question was not asked: only the captured segments can answer it, and the wire is off ("+p.wire.Off+")."))
	}
	if pr := step.Predict; pr != nil && len(res.Choices) == len(pr.Choices) {
		out = append(out, p.predictionLines(idx, pr, res)...)
	}
	// The checks are the lesson author's rules: a student reads a summary,
	// an instructor presses x to see each rule with the values it read.
	held := 0
	for _, v := range res.Expects {
		if v.Held {
			held++
		}
	}
	switch {
	case len(res.Expects) == 0:
	case !p.showChecks && held == len(res.Expects):
		out = append(out, st.Wire.Render(fmt.Sprintf("✓ the kernel did what this step expects (%s; x shows them)", theme.Plural(held, "check"))))
	case !p.showChecks:
		out = append(out, st.Error.Render(fmt.Sprintf("✗ %d of %d checks did not hold on this machine (x shows them)", len(res.Expects)-held, len(res.Expects))))
	default:
		for _, v := range res.Expects {
			mark, sty := "✓", st.Wire
			if !v.Held {
				mark, sty = "✗", st.Error
			}
			line := sty.Render(mark+" "+v.Expect.Src) + st.Muted.Render("  "+v.Values)
			if v.Err != nil {
				line += st.Error.Render(" " + v.Err.Error())
			}
			out = append(out, line)
		}
	}
	for _, o := range res.Outcomes {
		if o.Err != nil {
			out = append(out, st.Error.Render("! "+o.Action.Src+": "+o.Err.Error()))
		}
	}
	for _, t := range res.Whens {
		// An explanation is prose: code spans styled, no raw backticks.
		out = append(out, "→ "+inline(strings.Join(strings.Fields(t), " "), st))
	}
	return out
}

// predictionLines are the question, the learner's choice beside what
// happened, and the verdict.
func (p *Pane) predictionLines(idx int, pr *lessons.Prediction, res *lessons.StepResult) []string {
	st := p.c.Styles
	out := []string{st.Prompt.Render("Predicted: ") + pr.Question}
	picked, answered := p.answers[idx]
	for i, c := range pr.Choices {
		mark := "  "
		if answered && picked == i {
			mark = "▸ "
		}
		row := fmt.Sprintf("%s%c) %s", mark, 'a'+i, c.Text)
		if res.Choices[i] {
			// What happened: the kernel's doing in most steps, the
			// server program's in some (a calculator's reply).
			row = st.Wire.Render(row + "  ← what happened")
		}
		out = append(out, row)
	}
	switch {
	case !answered:
		out = append(out, st.Muted.Render("  (not answered)"))
	case !res.Graded():
		// The kernel did what no single choice says: explain, do not mark.
		out = append(out, st.Muted.Render("  not graded: on this machine the outcome matches "+map[bool]string{true: "none", false: "more than one"}[!slices.Contains(res.Choices, true)]+" of the choices"))
	case picked < len(res.Choices) && res.Choices[picked]:
		out = append(out, st.Wire.Render("  ✓ you predicted what happened"))
	case len(res.Whens) > 0:
		out = append(out, st.Error.Render("  ✗ it went otherwise: why is explained below"))
	default: // no explanation held for what the kernel did: promise none
		out = append(out, st.Error.Render("  ✗ it went otherwise"))
	}
	return out
}

// codePlace is where the code goes: in a column beside the ladder (both
// languages fit side by side there) or across the pane under the text.
type codePlace bool

const (
	codeAcross codePlace = false
	codeBeside codePlace = true
)

// codeLines shows the step's Python and Go: side by side when both fit,
// else the one chosen with c.
func (p *Pane) codeLines(step *lessons.Step, w, maxH int, place codePlace) []string {
	st := p.c.Styles
	if step == nil || maxH < 2 || (step.Python == "" && step.Go == "") {
		return nil
	}
	if p.mode() == modeQuestion {
		return []string{st.Muted.Render("code: shown once you have answered")}
	}
	mode := p.code
	switch {
	case step.Go == "": // a lesson without Go (or without Python) shows the one it has
		mode = codePython
	case step.Python == "":
		mode = codeGo
	case mode == codeBoth && place != codeBeside && w < 100:
		mode = codePython
	}
	col := func(name, code string, cw int) []string {
		lines := []string{st.Muted.Render(name)}
		for _, l := range strings.Split(code, "\n") {
			lines = append(lines, st.Kernel.Render(theme.Fit(strings.ReplaceAll(l, "\t", "    "), cw)))
		}
		return lines
	}
	var lines []string
	switch mode {
	case codePython:
		lines = col("Python  (c: Go)", step.Python, w)
	case codeGo:
		lines = col("Go  (c: both)", step.Go, w)
	default:
		cw := (w - 3) / 2
		l := theme.Block(col("Python", step.Python, cw), cw, maxH)
		r := theme.Block(col("Go  (c: switch)", step.Go, cw), cw, maxH)
		lines = strings.Split(theme.SideBySide(l, r, 3), "\n")
		for len(lines) > 1 && strings.TrimSpace(ansi.Strip(lines[len(lines)-1])) == "" {
			lines = lines[:len(lines)-1]
		}
	}
	if len(lines) > maxH {
		lines = lines[:maxH]
	}
	return lines
}

// ladderInput gathers the events of the steps played up to the one shown
// (each drawn on its side by its Role, which the lesson's actions decide),
// and the calls still blocked in the kernel.
func (p *Pane) ladderInput(idx int) ([]event.Event, []event.Event) {
	upto := len(p.results)
	if idx >= 0 && idx < upto {
		upto = idx + 1
	}
	var evs, blocked []event.Event
	for _, r := range p.results[:upto] {
		evs = append(evs, r.Events...)
	}
	if upto > 0 {
		for _, o := range p.results[upto-1].Outcomes {
			if !o.Blocked {
				continue
			}
			for _, e := range o.Events {
				if e.Kind == event.KindBlocked {
					blocked = append(blocked, e)
					break
				}
			}
		}
	}
	return evs, blocked
}

// scrolled is the part of the lesson text that fits in h rows from the
// learner's scroll position, with a last row saying what is below (so no
// explanation is ever cut off without a way to read it).
func (p *Pane) scrolled(text []string, h int) []string {
	maxOff := max(0, len(text)-h+1)
	p.scrollMax, p.scrollPage = maxOff, h
	off := min(p.scroll, maxOff)
	if len(text) <= h {
		return text
	}
	st := p.c.Styles
	if off > 0 {
		text = append([]string{st.Muted.Render(fmt.Sprintf("↑ %d lines above (pgup/↑)", off))}, text[off+1:]...)
	}
	if len(text) > h {
		below := len(text) - (h - 1)
		text = append(text[:h-1], st.Prompt.Render(fmt.Sprintf("↓ %d more lines (pgdn/↓, mouse wheel)", below)))
	}
	return text
}

// openPortWarnings says, for each address a step bound beyond loopback,
// that any machine that can reach this one may connect to it.
func openPortWarnings(evs []event.Event, st *theme.Styles) []string {
	var out []string
	for _, e := range evs {
		if e.Kind == event.KindCall && e.Op == event.OpBind && !e.Failed() && e.Local.IsValid() && !sock.IsLoopback(e.Local.Addr()) {
			out = append(out, st.Error.Render(fmt.Sprintf("⚠ %s is an open port: any machine that can reach this one may connect to it", e.Local)))
		}
	}
	return out
}

// score counts this play's answered predictions and those the kernel bore out.
func (p *Pane) score() (asked, right int) {
	for _, res := range p.results {
		if res == nil {
			continue
		}
		if i, ok := p.answers[res.Index]; ok && res.Graded() && i < len(res.Choices) {
			asked++
			if res.Choices[i] {
				right++
			}
		}
	}
	return asked, right
}

// showPackets reports whether the lesson's ladder draws the segments the
// lab captured (w hides them).
func (p *Pane) showPackets() bool {
	return p.run != nil && p.run.Lab.WireOn() && !p.callsOnly
}

// segmentLines shows a picked segment where the step's code was: its
// header fields and bytes, with a title that says how to go back.
func (p *Pane) segmentLines(e event.Event, w, h int) []string {
	st := p.c.Styles
	title := st.Title.Render("SEGMENT") + st.Muted.Render("  [ ] older/newer · esc back to the code")
	return append([]string{theme.Fit(title, w)}, strings.Split(ladder.RenderPacket(e, w, h-1, st), "\n")...)
}

package lessons

import (
	"github.com/socklab/socklab/lessons/rules"

	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Problem is one error in a lesson file, at a line.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Problems is every error found in one or more lesson files.
type Problems []Problem

func (ps Problems) Error() string {
	var b []string
	for _, p := range ps {
		b = append(b, p.String())
	}
	return strings.Join(b, "\n")
}

// Parse reads one lesson. file names it in errors; its base name without
// ".md" becomes the lesson's ID. All problems are reported, not just the first.
func Parse(file string, src []byte) (*Lesson, error) {
	p := &parser{file: file, known: map[string]bool{}, done: map[string]bool{}, over: map[string]bool{}}
	l := p.parse(strings.ReplaceAll(string(src), "\r\n", "\n"))
	l.File = file
	l.Warnings = p.warns
	l.ID = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	if p.more > 0 {
		last := p.probs[len(p.probs)-1]
		p.probs = append(p.probs, Problem{p.file, last.Line, fmt.Sprintf("and %d more problems after this line", p.more)})
	}
	if len(p.probs) > 0 {
		return l, p.probs
	}
	return l, nil
}

type parser struct {
	// predict holds the step's predict block until the step ends, so its
	// rules may name actions of a lab block written after it.
	predictStart int
	predictBody  []string
	file         string
	probs        Problems
	known        map[string]bool // actors defined so far
	done         map[string]bool // "actor.call" pairs performed so far

	// What the lesson's actions add up to, against MaxActions, MaxPlay and
	// MaxSendTotal; each bound is reported once, at the line that passed it.
	actions   int
	play      time.Duration
	sendTotal int
	over      map[string]bool
	warns     Problems
	more      int // problems past maxProblems, counted
}

// maxProblems bounds the problems kept for one file: a megabyte of bad
// lines is reported by its first ones and a count, not 60000 lines.
const maxProblems = 100

func (p *parser) errf(line int, format string, args ...any) {
	if len(p.probs) >= maxProblems {
		p.more++
		return
	}
	p.probs = append(p.probs, Problem{p.file, line, fmt.Sprintf(format, args...)})
}

func (p *parser) parse(src string) *Lesson {
	l := &Lesson{}
	lines := strings.Split(src, "\n")
	var (
		text  strings.Builder // prose of the intro or the current step
		step  *Step
		intro = true
	)
	flush := func() {
		t := strings.TrimSpace(text.String())
		text.Reset()
		if step != nil {
			step.Text = t
		} else if intro {
			l.Intro = t
		}
	}
	endStep := func() {
		flush()
		if step == nil {
			return
		}
		if p.predictBody != nil {
			step.Predict = p.predict(p.predictStart, p.predictBody)
			p.predictBody = nil
			p.predictionRules(step)
		}
		if len(step.Actions) == 0 {
			p.errf(step.Line, "step %q has no lab block: every step makes at least one real call (```lab … ```)", step.Title)
		}
		l.Steps = append(l.Steps, *step)
		step = nil
	}
	for i := 0; i < len(lines); i++ {
		ln := lines[i]
		trim := strings.TrimSpace(ln)
		switch {
		case strings.HasPrefix(ln, "# ") && l.Title == "" && step == nil:
			l.Title = strings.TrimSpace(ln[2:])
			continue
		case strings.HasPrefix(ln, "## "):
			endStep()
			intro = false
			step = &Step{Title: strings.TrimSpace(ln[3:]), Line: i + 1}
			if len(l.Steps) == MaxSteps {
				p.errf(i+1, "more than %d steps in one lesson", MaxSteps)
			}
			continue
		case strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~"):
			// The fence is the run of its first character; measured, not
			// grown a character at a time (a hostile file's run of 13 000
			// backticks made 92 MB of strings that way).
			n := 3
			for n < len(trim) && trim[n] == trim[0] {
				n++
			}
			fence := trim[:n]
			info := strings.TrimSpace(trim[len(fence):])
			start := i + 1
			var body []string
			closed := false
			for i++; i < len(lines); i++ {
				if t := strings.TrimSpace(lines[i]); strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
					closed = true
					break
				}
				body = append(body, lines[i])
			}
			if !closed {
				p.errf(start, "the %s block opened here is never closed with %s", orText(info), fenceText(fence))
			}
			if !p.block(l, step, info, start, body) {
				text.WriteString(ln + "\n" + strings.Join(body, "\n") + "\n" + fence + "\n")
			}
			continue
		}
		text.WriteString(ln + "\n")
	}
	endStep()
	if l.Title == "" {
		p.errf(1, "no title: the file must start with a \"# Title\" line")
	}
	if len(l.Steps) == 0 {
		p.errf(1, "no steps: each step starts with a \"## Step title\" line")
	}
	l.Summary = firstParagraph(l.Intro)
	return l
}

func orText(info string) string {
	if info == "" {
		return "code"
	}
	return info
}

// block handles a fenced block; it reports false for an ordinary code block
// that stays in the prose.
func (p *parser) block(l *Lesson, step *Step, info string, start int, body []string) bool {
	kind := strings.Fields(info + " ")
	if len(kind) == 0 {
		return false
	}
	switch kind[0] {
	case "lab", "python", "go", "predict", "hint":
	default:
		return false
	}
	if step == nil {
		p.errf(start, "a %s block must be inside a step (after a \"## \" heading)", kind[0])
		return true
	}
	code := strings.TrimRight(strings.Join(body, "\n"), "\n ")
	dup := func(have bool) bool {
		if have {
			p.errf(start, "a second %s block in step %q (one per step)", kind[0], step.Title)
		}
		return have
	}
	switch kind[0] {
	case "lab":
		p.lab(step, start, body)
	case "python":
		if !dup(step.Python != "") {
			step.Python = code
		}
	case "go":
		if !dup(step.Go != "") {
			step.Go = code
		}
	case "hint":
		if !dup(step.Hint != "") {
			step.Hint = strings.TrimSpace(code)
		}
	case "predict":
		if !dup(p.predictBody != nil) {
			p.predictStart, p.predictBody = start, append([]string{}, body...)
		}
	}
	return true
}

// lab parses a lab block: actions, then expect and when lines. Rules are
// checked after the block's actions so that they may refer to them.
func (p *parser) lab(step *Step, start int, body []string) {
	type rule struct {
		line int
		src  string
	}
	var rules []rule
	for k, raw := range body {
		line := start + 1 + k
		s := strings.TrimSpace(raw)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.HasPrefix(s, "expect ") || strings.HasPrefix(s, "when ") || s == "expect" || s == "when" {
			rules = append(rules, rule{line, s})
			continue
		}
		a, err := parseAction(line, s, p.known)
		if err != nil {
			p.errf(line, "%v", err)
			continue
		}
		if ip := a.addr.lit.Addr(); ip.IsValid() && !ip.Unmap().IsLoopback() && !(ip.IsUnspecified() && actionSpecs[a.Op].addr == toBind) {
			p.warns = append(p.warns, Problem{p.file, line, fmt.Sprintf("%s is not a loopback address: in the host's network socklab refuses it unless --any-address is given", ip)})
		}
		if p.account(line, a); p.actions > MaxActions {
			continue // reported; a lesson past its bound is not kept whole
		}
		step.Actions = append(step.Actions, a)
		p.done[a.Actor+"."+a.Op] = true
		if a.Label != "" {
			p.done[a.Label+"."+a.Op] = true
		}
	}
	for _, r := range rules {
		if rest, ok := strings.CutPrefix(r.src, "expect"); ok {
			e, err := p.rule(strings.TrimSpace(rest))
			if err != nil {
				p.errf(r.line, "expect: %v", err)
				continue
			}
			step.Expects = append(step.Expects, Expect{Line: r.line, Src: strings.TrimSpace(rest), Rule: e})
			continue
		}
		rest := strings.TrimSpace(strings.TrimPrefix(r.src, "when"))
		cond, text, ok := cutColon(rest)
		if !ok {
			p.errf(r.line, "when: want \"when RULE: TEXT\"")
			continue
		}
		e, err := p.rule(cond)
		if err != nil {
			p.errf(r.line, "when: %v", err)
			continue
		}
		for _, m := range interpRe.FindAllStringSubmatch(text, -1) {
			if _, err := p.rule(m[1]); err != nil {
				p.errf(r.line, "when: {%s}: %v", m[1], err)
			}
		}
		step.Whens = append(step.Whens, When{Line: r.line, Src: cond, Rule: e, Text: text})
	}
}

// account adds an action to the lesson's totals and reports the first
// line at which a total passes its bound.
func (p *parser) account(line int, a Action) {
	p.actions++
	if play := actionSpecs[a.Op].play; play != nil {
		p.play += play(a.wait)
	}
	p.sendTotal += a.dataLen()
	limit := func(key string, over bool, format string, args ...any) {
		if over && !p.over[key] {
			p.over[key] = true
			p.errf(line, format, args...)
		}
	}
	limit("actions", p.actions > MaxActions, "more than %d actions in one lesson", MaxActions)
	limit("play", p.play > MaxPlay, "the lesson's idle and wait actions add up to more than %s (a bare wait counts %s)", MaxPlay, defaultWait)
	limit("send", p.sendTotal > MaxSendTotal, "the lesson sends more than %d bytes in all", MaxSendTotal)
}

// defaultWait is what a wait without a duration may take: the engine's
// default WaitLimit.
const defaultWait = 10 * time.Second

// interpRe finds {actor.call.field} in explanation texts.
var interpRe = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*\.[a-z]+(?:\.[a-z]+)?)\}`)

// rule parses a rule and checks that every actor.call it names was
// performed by this step or an earlier one.
func (p *parser) rule(src string) (rules.Expr, error) {
	if src == "" {
		return nil, fmt.Errorf("empty rule")
	}
	e, err := rules.Parse(src, vocabulary())
	if err != nil {
		return nil, err
	}
	for _, r := range e.Refs() {
		if r.Actor != rules.WireActor && !p.done[r.Actor+"."+r.Call] {
			return nil, fmt.Errorf("%s: no %s.%s action before this rule", r, r.Actor, r.Call)
		}
	}
	return e, nil
}

// cutColon splits "RULE: TEXT" at the first ": " outside quotes.
func cutColon(s string) (string, string, bool) {
	inq := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inq = !inq
		case ':':
			if !inq && (i+1 == len(s) || s[i+1] == ' ') {
				return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
			}
		}
	}
	return "", "", false
}

// predict parses a predict block: the question, then "- CHOICE :: RULE" lines.
func (p *parser) predict(start int, body []string) *Prediction {
	pr := &Prediction{Line: start}
	var q []string
	for k, raw := range body {
		line := start + 1 + k
		s := strings.TrimSpace(raw)
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") {
			text, src, ok := strings.Cut(s[2:], "::")
			if !ok {
				p.errf(line, "predict: a choice is \"- TEXT :: RULE\" (the rule says when the real outcome agrees)")
				continue
			}
			e, err := p.rule(strings.TrimSpace(src))
			if err != nil {
				p.errf(line, "predict: %v", err)
				continue
			}
			pr.Choices = append(pr.Choices, Choice{Line: line, Text: strings.TrimSpace(text), Rule: e})
			continue
		}
		if len(pr.Choices) > 0 {
			p.errf(line, "predict: the question goes before the choices")
			continue
		}
		q = append(q, s)
	}
	pr.Question = strings.Join(q, " ")
	if pr.Question == "" {
		p.errf(pr.Line, "predict: no question")
	}
	if len(pr.Choices) < 2 || len(pr.Choices) > 9 {
		p.errf(pr.Line, "predict: want 2 to 9 choices, got %d", len(pr.Choices))
	}
	return pr
}

// firstParagraph returns the first paragraph of Markdown as one line.
func firstParagraph(md string) string {
	var out []string
	for _, ln := range strings.Split(md, "\n") {
		s := strings.TrimSpace(ln)
		if s == "" {
			if len(out) > 0 {
				break
			}
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// predictionRules holds a prediction to what makes it worth asking: a hint
// (h offers it), and a question that does not already name one of its
// choices (the learner sees only the question and the choices before
// answering; the step's title, prose and code appear after).
func (p *parser) predictionRules(step *Step) {
	pr := step.Predict
	if pr == nil {
		return
	}
	if step.Hint == "" {
		p.errf(pr.Line, "predict: add a ```hint block to this step: h offers it while the question is open")
	}
	for _, c := range pr.Choices {
		if t := strings.TrimSpace(c.Text); len(t) >= 4 && strings.Contains(pr.Question, t) {
			p.errf(pr.Line, "predict: the question already says %q, one of its answers: it gives the answer away", c.Text)
		}
	}
}

// fenceText names a fence in a problem: itself when short, its length when
// a file made it long (a line of thousands of backticks reads as nothing).
func fenceText(fence string) string {
	if len(fence) <= 8 {
		return fence
	}
	what := "backticks"
	if fence[0] == '~' {
		what = "tildes"
	}
	return fmt.Sprintf("a run of %d %s", len(fence), what)
}

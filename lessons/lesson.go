package lessons

import "github.com/socklab/socklab/lessons/rules"

// Lesson is one parsed lesson file.
type Lesson struct {
	ID      string // file name without ".md", e.g. "03-client-connects"; the progress key
	File    string // where it was read from, for error messages ("builtin/03-….md")
	Builtin bool
	Title   string // the "# " heading
	Summary string // the first paragraph of the introduction, one line
	Intro   string // Markdown between the title and the first step
	Steps   []Step
	// Warnings are what lessons check says without refusing the file: a
	// literal address that is not loopback (in the host's network the
	// engine refuses it unless --any-address is given).
	Warnings []Problem
}

// Step is one "## " section of a lesson.
type Step struct {
	Title   string
	Line    int    // line of the "## " heading
	Text    string // Markdown prose of the step (fenced blocks removed)
	Actions []Action
	Expects []Expect
	Whens   []When
	Python  string // the step as the seeds' Python
	Go      string // the step in Go
	Predict *Prediction
	Hint    string
}

// Expect is one "expect RULE" line: it must hold once the step has run.
type Expect struct {
	Line int
	Src  string
	Rule rules.Expr
}

// When is one "when RULE: TEXT" line: TEXT explains the outcome when RULE
// holds, so a lesson can explain whichever answer the kernel gave.
type When struct {
	Line int
	Src  string
	Rule rules.Expr
	Text string // may hold {actor.call.field} references
}

// Prediction is the question asked before a step runs.
type Prediction struct {
	Line     int
	Question string
	Choices  []Choice
}

// Choice is one answer; Rule says whether the real outcome agrees with it.
type Choice struct {
	Line int
	Text string
	Rule rules.Expr
}

// Title lines and counts used by the list views.
func (l *Lesson) String() string { return l.Title }

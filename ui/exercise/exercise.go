// Package exercise is socklab class's exercises: rules in the lessons' rule
// language (lessons/rules) over what one student did in the session
// (service.StudentTally), read from an exercise file (Parse) and checked
// per student (Done). It draws nothing; the class pane shows its marks.
// It imports lessons/rules, netlab and netlab/safetext; nothing of ui.
package exercise

import (
	"fmt"
	"strings"

	"github.com/socklab/socklab/lessons/rules"
	"github.com/socklab/socklab/netlab/safetext"
	"github.com/socklab/socklab/netlab/service"
)

// Exercise is one rule of class --exercise, in the lessons' rule language,
// over what one student did in the session:
//
//	student.requests >= 5
//	student.connections >= 2 && student.errors == 0
//	student.closed_cleanly
type Exercise struct {
	Name string // "E1", or the text before ": " on its line
	Src  string
	expr rules.Expr
}

// studentFields are what student.NAME may name, each from the session's
// tally of that student (service.StudentTally).
var studentFields = []string{"requests", "connections", "open", "errors", "closed_cleanly", "bytes_in", "bytes_out"}

// Max bounds an exercise file: each is a column on the projector.
const Max = 9

// Parse reads an exercise file: one rule a line, "NAME: RULE" or
// just the rule; blank lines and lines starting with # are skipped. Every
// problem is reported with its line.
func Parse(src string) ([]Exercise, error) {
	if i, r := safetext.Find(src); i >= 0 {
		return nil, fmt.Errorf("line %d: control character %U: an exercise file is text", 1+strings.Count(src[:i], "\n"), r)
	}
	voc := rules.Vocabulary{Calls: studentFields, Fields: []string{"ok"}}
	var out []Exercise
	var probs []string
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name := fmt.Sprintf("E%d", len(out)+1)
		if i := strings.Index(line, ": "); i > 0 && !strings.ContainsAny(line[:i], " .=<>!&|\"") {
			name, line = line[:i], strings.TrimSpace(line[i+2:])
		}
		e, err := rules.Parse(line, voc)
		if err == nil {
			for _, r := range e.Refs() {
				if r.Actor != "student" || r.Field != "ok" {
					err = fmt.Errorf("%s: an exercise speaks of student.FIELD (fields: %s)", r, strings.Join(studentFields, ", "))
					break
				}
			}
		}
		if err != nil {
			probs = append(probs, fmt.Sprintf("line %d: %v", n+1, err))
			continue
		}
		out = append(out, Exercise{Name: name, Src: line, expr: e})
	}
	switch {
	case len(probs) > 0:
		return nil, fmt.Errorf("%s", strings.Join(probs, "\n"))
	case len(out) == 0:
		return nil, fmt.Errorf("no rule in the exercise file (one a line, e.g. student.requests >= 5)")
	case len(out) > Max:
		return nil, fmt.Errorf("%d rules: at most %d (each is a column on the projector)", len(out), Max)
	}
	return out, nil
}

// tallyEnv answers student.FIELD from one student's tally.
type tallyEnv struct{ t service.StudentTally }

func (e tallyEnv) Lookup(r rules.Ref) (rules.Value, error) {
	t := e.t
	switch r.Call {
	case "requests":
		return rules.Num(int64(t.Requests)), nil
	case "connections":
		return rules.Num(int64(t.Connections)), nil
	case "open":
		return rules.Num(int64(t.Open)), nil
	case "errors":
		return rules.Num(int64(t.Errors)), nil
	case "closed_cleanly":
		return rules.Bool(t.ClosedClean > 0), nil
	case "bytes_in":
		return rules.Num(int64(t.BytesIn)), nil
	case "bytes_out":
		return rules.Num(int64(t.BytesOut)), nil
	}
	return rules.Value{}, fmt.Errorf("student.%s: no such field", r.Call)
}

// Done reports whether the student's session so far meets the rule.
func (e Exercise) Done(t service.StudentTally) (bool, error) {
	v, err := e.expr.Eval(tallyEnv{t})
	if err != nil {
		return false, err
	}
	return v.Truth()
}

// Done counts the students who met every rule, and the rules each
// met: the header's "N/M done" and the summary file's column.
func Done(ex []Exercise, ts []service.StudentTally) (all int, each [][]bool) {
	each = make([][]bool, len(ts))
	for i, t := range ts {
		each[i] = make([]bool, len(ex))
		ok := true
		for j, e := range ex {
			d, _ := e.Done(t) // an error (a rule comparing text with a number) is not done
			each[i][j] = d
			ok = ok && d
		}
		if ok && len(ex) > 0 {
			all++
		}
	}
	return all, each
}

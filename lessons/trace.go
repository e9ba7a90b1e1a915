package lessons

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Trace plays every step of l headless and writes, per step, the real
// calls as netlab.Event.String() lines, each expectation with the values it
// read, the prediction's real answer and the explanations that applied.
// It reports whether every expectation held.
func Trace(ctx context.Context, w io.Writer, num int, l *Lesson, opts Options) (bool, error) {
	r := Start(l, opts)
	defer r.Close()
	fmt.Fprintf(w, "Lesson %d: %s\n", num, l.Title)
	if l.Summary != "" {
		fmt.Fprintf(w, "  %s\n", l.Summary)
	}
	fmt.Fprintf(w, "  %s\n", r.Lab.Wire())
	ok := true
	for range l.Steps {
		res, err := r.Next(ctx)
		if err != nil {
			return false, err
		}
		WriteStep(w, l, res)
		ok = ok && res.OK()
	}
	if ok {
		fmt.Fprintf(w, "\nall %d steps played; every expectation held\n", len(l.Steps))
	} else {
		fmt.Fprintf(w, "\nsome expectations did not hold on this machine\n")
	}
	return ok, nil
}

// WriteStep writes one step's result as plain text.
func WriteStep(w io.Writer, l *Lesson, res *StepResult) {
	st := l.Steps[res.Index]
	fmt.Fprintf(w, "\nStep %d/%d: %s\n", res.Index+1, len(l.Steps), st.Title)
	for _, e := range res.Events {
		fmt.Fprintln(w, "  "+e.String())
	}
	for _, o := range res.Outcomes {
		if o.Action.Op == "sysctl" && o.Err == nil {
			// Event.String prints payloads of recv only; show the value read.
			fmt.Fprintf(w, "  %-9s %s = %q\n", o.Action.Actor, o.Action.Args[0], o.Extra)
		}
		if o.Err != nil {
			fmt.Fprintf(w, "  ! %s: %v\n", o.Action.Src, o.Err)
		}
	}
	if st.Predict != nil && len(res.Choices) != len(st.Predict.Choices) {
		fmt.Fprintf(w, "  predict (not asked: it needs the wire, which is off): %s\n", st.Predict.Question)
	} else if st.Predict != nil {
		fmt.Fprintf(w, "  predict: %s\n", st.Predict.Question)
		for i, c := range st.Predict.Choices {
			mark := "[ ]"
			if res.Choices[i] {
				mark = "[x]"
			}
			fmt.Fprintf(w, "    %s %s\n", mark, c.Text)
		}
	}
	for _, v := range res.Expects {
		mark := "ok  "
		switch {
		case v.Skipped:
			mark = "skip"
		case !v.Held:
			mark = "FAIL"
		}
		line := fmt.Sprintf("  %s expect %s", mark, v.Expect.Src)
		if v.Values != "" {
			line += "   (" + v.Values + ")"
		}
		if v.Err != nil {
			line += ": " + v.Err.Error()
		}
		fmt.Fprintln(w, line)
	}
	for _, t := range res.Whens {
		fmt.Fprintln(w, "  -> "+strings.ReplaceAll(t, "\n", " "))
	}
}

// WriteList prints the catalog with progress marks: [x] done, [3/5] started.
func WriteList(w io.Writer, ls []*Lesson, prog *Progress) {
	for i, l := range ls {
		lp := prog.Of(l.ID)
		mark := "[ ]  "
		switch {
		case lp.Done:
			mark = "[x]  "
		case lp.Step > 0:
			mark = fmt.Sprintf("[%d/%d]", lp.Step, len(l.Steps))
		}
		src := ""
		if !l.Builtin {
			src = "  (" + l.File + ")"
		}
		score := ""
		if lp.Predicted > 0 {
			score = fmt.Sprintf("  predictions %d/%d right", lp.Right, lp.Predicted)
		}
		fmt.Fprintf(w, "%2d %-6s %s  %d steps%s%s\n", i+1, mark, l.Title, len(l.Steps), score, src)
	}
}

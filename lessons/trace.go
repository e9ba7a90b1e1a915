package lessons

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/socklab/socklab/netlab/event"
)

// Trace plays every step of l headless and writes, per step, the real
// calls as event.Event.String() lines, each expectation with the values it
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

// statesWhereRead applies the ladder's rule (ui's planLines) to a trace: a
// call whose state was read after segments of its connection that are
// printed below it (close's own FIN, the peer's FIN), or after the other
// end's close or shutdown printed below it, prints no state, and the state
// gets a line of its own after the last of them. ESTABLISHED on
// a call other than connect stays: nothing turns a connection ESTABLISHED
// after the handshake, so it held when the call returned.
func statesWhereRead(evs []event.Event) (moved map[int]bool, after map[int][]int) {
	moved, after = map[int]bool{}, map[int][]int{}
	for i, e := range evs {
		if e.Kind != event.KindCall || e.State == event.StateNone || e.StateAt.IsZero() || !e.Remote.IsValid() ||
			(e.State == event.StateEstablished && e.Op != event.OpConnect) {
			continue
		}
		last := -1
		for j := i + 1; j < len(evs) && !evs[j].At.After(e.StateAt); j++ {
			if p := evs[j].Pkt; evs[j].Kind == event.KindPacket && p != nil {
				lp, rp, sp, dp := e.Local.Port(), e.Remote.Port(), p.Seg.Src.Port(), p.Seg.Dst.Port()
				if (sp == lp && dp == rp) || (sp == rp && dp == lp) {
					last = j
				}
			} else if evs[j].EndsPeerOf(&e) {
				last = j
			}
		}
		if last >= 0 {
			moved[i] = true
			after[last] = append(after[last], i)
		}
	}
	return moved, after
}

// WriteStep writes one step's result as plain text.
func WriteStep(w io.Writer, l *Lesson, res *StepResult) {
	st := l.Steps[res.Index]
	fmt.Fprintf(w, "\nStep %d/%d: %s\n", res.Index+1, len(l.Steps), st.Title)
	moved, after := statesWhereRead(res.Events)
	for i, e := range res.Events {
		if moved[i] {
			e.State = event.StateNone
		}
		line := "  " + e.String()
		if e.Op == event.OpSysctl && !e.Failed() {
			// read() returns a byte count; the value is what was read.
			line += fmt.Sprintf(" bytes: %q", e.Data)
		}
		fmt.Fprintln(w, line)
		above := "segments"
		if res.Events[i].Kind == event.KindCall {
			above = "other end's " + res.Events[i].Op.String()
		}
		for _, c := range after[i] {
			fmt.Fprintf(w, "  %-9s state now %s (read after the %s above)\n", res.Events[c].Actor, res.Events[c].State, above)
		}
	}
	for _, o := range res.Outcomes {
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
		if !res.Graded() {
			fmt.Fprintf(w, "    (not one single choice matches what the kernel did here: an answer is not graded)\n")
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

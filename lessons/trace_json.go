package lessons

import (
	"context"
	"encoding/json"
	"io"

	"github.com/socklab/socklab/netlab/event"
)

// stepLine is the line a JSON lesson trace writes before each step's events
// (docs/TRACE-FORMAT.md): which step, and after it whether its expectations
// held.
type stepLine struct {
	V      int    `json:"v"`
	Kind   string `json:"kind"` // "step"
	Lesson int    `json:"lesson"`
	Step   int    `json:"step"` // from 1
	Title  string `json:"title"`
	OK     bool   `json:"ok"` // every expectation of the step held
}

// TraceJSON plays every step of l headless, like Trace, and writes JSON
// lines: one "step" line per step, then the step's events in causal order
// (netlab's JSON trace schema). It reports whether every expectation held.
func TraceJSON(ctx context.Context, w io.Writer, num int, l *Lesson, opts Options) (bool, error) {
	r := Start(l, opts)
	defer r.Close()
	ok := true
	var line []byte
	for range l.Steps {
		res, err := r.Next(ctx)
		if err != nil {
			return false, err
		}
		head, _ := json.Marshal(stepLine{V: event.JSONVersion, Kind: "step", Lesson: num, Step: res.Index + 1,
			Title: l.Steps[res.Index].Title, OK: res.OK()})
		if _, err := w.Write(append(head, '\n')); err != nil {
			return false, err
		}
		for _, e := range res.Events {
			line = append(e.AppendJSON(line[:0]), '\n')
			if _, err := w.Write(line); err != nil {
				return false, err
			}
		}
		ok = ok && res.OK()
	}
	return ok, nil
}

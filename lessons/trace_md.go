package lessons

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/safetext"
)

// TraceMarkdown plays every step of l headless, like Trace, and writes a
// Markdown handout: each step's calls and segments as the kernel reported
// them, the predictions with the kernel's answer, and the whole
// conversation as a Mermaid sequenceDiagram (which GitHub, GitLab and most
// Markdown viewers draw). It reports whether every expectation held.
func TraceMarkdown(ctx context.Context, w io.Writer, num int, l *Lesson, opts Options) (bool, error) {
	r := Start(l, opts)
	defer r.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "# Lesson %d: %s\n\n", num, l.Title)
	fmt.Fprintf(&b, "_Played by `socklab trace %d --format md`: every line below is what the kernel reported on the machine that ran it (%s)._\n\n", num, r.Lab.Wire())
	if l.Summary != "" {
		fmt.Fprintf(&b, "%s\n\n", l.Summary)
	}
	ok := true
	var all []event.Event
	for range l.Steps {
		res, err := r.Next(ctx)
		if err != nil {
			return false, err
		}
		writeStepMarkdown(&b, l, res)
		all = append(all, res.Events...)
		ok = ok && res.OK()
	}
	b.WriteString("## The conversation\n\n")
	b.WriteString("Calls are notes on the lifeline of the program that made them; segments are arrows, solid when a call sent them, dashed when the kernel sent them on its own.\n\n")
	b.WriteString(Mermaid(all))
	if ok {
		fmt.Fprintf(&b, "\nAll %d steps played; every expectation held.\n", len(l.Steps))
	} else {
		b.WriteString("\nSome expectations did not hold on this machine.\n")
	}
	_, err := io.WriteString(w, b.String())
	return ok, err
}

func writeStepMarkdown(b *strings.Builder, l *Lesson, res *StepResult) {
	st := l.Steps[res.Index]
	fmt.Fprintf(b, "## Step %d/%d: %s\n\n", res.Index+1, len(l.Steps), st.Title)
	if len(res.Events) > 0 {
		b.WriteString("```text\n")
		for _, e := range res.Events {
			b.WriteString(e.String())
			b.WriteByte('\n')
		}
		b.WriteString("```\n\n")
	}
	if st.Predict != nil && len(res.Choices) != len(st.Predict.Choices) {
		fmt.Fprintf(b, "**Predict** (not asked: it needs the wire, which was off): %s\n\n", st.Predict.Question)
	} else if st.Predict != nil {
		fmt.Fprintf(b, "**Predict:** %s\n\n", st.Predict.Question)
		for i, c := range st.Predict.Choices {
			mark := "[ ]"
			if res.Choices[i] {
				mark = "[x]"
			}
			fmt.Fprintf(b, "- %s %s\n", mark, c.Text)
		}
		b.WriteString("\n_[x] marks what the kernel did._\n\n")
	}
	for _, t := range res.Whens {
		fmt.Fprintf(b, "> %s\n\n", strings.ReplaceAll(t, "\n", " "))
	}
}

// Mermaid draws events as a Mermaid sequenceDiagram block: one participant
// per actor in order of appearance, each call a note over its actor, each
// segment an arrow between the two actors whose sockets it joined.
func Mermaid(events []event.Event) string {
	var b strings.Builder
	b.WriteString("```mermaid\nsequenceDiagram\n")
	ids := map[string]string{}
	var order []string
	id := func(actor string) string {
		if v, ok := ids[actor]; ok {
			return v
		}
		v := fmt.Sprintf("A%d", len(ids)+1)
		ids[actor] = v
		order = append(order, actor)
		return v
	}
	var body strings.Builder
	for _, e := range events {
		switch {
		case e.Kind == event.KindPacket && e.Pkt != nil:
			p := e.Pkt
			if p.Seg.IsICMP() && p.To != "" {
				// No socket sent it, so no lifeline does: a note on the
				// sender's, who receives it.
				fmt.Fprintf(&body, "    Note over %s: %s\n", id(p.To), mermaidText("kernel → "+p.To+": "+e.Text))
				continue
			}
			if p.From == "" || p.To == "" {
				continue
			}
			arrow := "-->>"
			if p.Origin == event.OriginCall {
				arrow = "->>"
			}
			fmt.Fprintf(&body, "    %s%s%s: %s\n", id(p.From), arrow, id(p.To), mermaidText(e.Text))
		case (e.Kind == event.KindCall || e.Kind == event.KindBlocked) && e.Op.IsCall():
			text := e.Op.String() + "(" + e.Text + ")"
			if e.Kind == event.KindBlocked {
				text += " blocks"
			} else {
				text += fmt.Sprintf(" = %d", e.Result)
				if e.Failed() {
					text += " " + e.ErrnoName()
				}
				if e.State != event.StateNone {
					text += " " + e.State.String()
				}
				if e.NewState != event.StateNone {
					text += ", new fd " + e.NewState.String()
				}
			}
			fmt.Fprintf(&body, "    Note over %s: %s\n", id(e.Actor), mermaidText(text))
		}
	}
	for _, a := range order {
		fmt.Fprintf(&b, "    participant %s as %s\n", ids[a], mermaidText(a))
	}
	b.WriteString(body.String())
	b.WriteString("```\n")
	return b.String()
}

// mermaidText keeps a label on one line and away from Mermaid's syntax: a
// semicolon ends a statement and # starts an entity.
func mermaidText(s string) string {
	return strings.NewReplacer(";", ",", "#", "no. ", "\n", " ", "%%", "%", "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(safetext.String(s))
}

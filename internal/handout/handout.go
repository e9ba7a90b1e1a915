// Package handout writes the Markdown handout of `socklab run --format md`:
// the program's calls and segments as trace lines, its output, and the
// conversation as a Mermaid sequence diagram, as `socklab trace --format md`
// does for a lesson. Everything in it came from the kernel or the program;
// the program's own bytes are fenced so that none of them is read as
// Markdown or HTML.
package handout

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/safetext"
)

// Collector keeps a run's events (in the order the check.StateMover gives
// them) for the handout written when the program ended. It is a
// event.Sink.
type Collector struct {
	mu      sync.Mutex
	evs     []event.Event
	dropped int
}

// History bounds the events a handout keeps: a program that runs for
// hours must not grow socklab without bound; the rest are counted.
const History = 20000

// Emit keeps e, or counts it when History events are kept already.
func (c *Collector) Emit(e event.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.evs) >= History {
		c.dropped++
		return
	}
	c.evs = append(c.evs, e)
}

// Write writes the handout of the program argv, run with the wire whose
// status line is wire, from the events c kept and the program's output.
func (c *Collector) Write(w io.Writer, argv []string, wire string, output string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return write(w, argv, wire, c.evs, c.dropped, output)
}

func write(w io.Writer, argv []string, wire string, evs []event.Event, dropped int, output string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# socklab run: %s\n\n", inlineCode(strings.Join(argv, " ")))
	fmt.Fprintf(&b, "_Recorded by `socklab run --format md`: every line below is what the kernel reported on the machine that ran it (%s)._\n\n", safetext.String(wire))
	b.WriteString("## The calls and segments\n\n")
	var lines strings.Builder
	for _, e := range evs {
		lines.WriteString(e.String())
		lines.WriteByte('\n')
	}
	if dropped > 0 {
		fmt.Fprintf(&lines, "… and %d more events, not kept (a handout keeps the first %d)\n", dropped, History)
	}
	fence(&b, "text", lines.String())
	if out := strings.TrimSpace(output); out != "" {
		b.WriteString("## The program's output\n\n")
		fence(&b, "text", safetext.Text(out)+"\n")
	}
	b.WriteString("## The conversation\n\n")
	b.WriteString("Calls are notes on the lifeline of the program that made them; segments are arrows, solid when a call sent them, dashed when the kernel sent them on its own.\n\n")
	b.WriteString(lessons.Mermaid(evs))
	_, err := io.WriteString(w, b.String())
	return err
}

// fence writes body in a fenced code block whose fence is longer than
// any run of backticks in it (CommonMark), so no line of a program's
// output can end the block and be read as Markdown or HTML.
func fence(b *strings.Builder, lang, body string) {
	f := strings.Repeat("`", max(3, longestRun(body, '`')+1))
	fmt.Fprintf(b, "%s%s\n%s%s\n\n", f, lang, body, f)
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// inlineCode is s as an inline code span, whatever backticks it holds.
func inlineCode(s string) string {
	s = safetext.String(s)
	f := strings.Repeat("`", longestRun(s, '`')+1)
	return f + " " + s + " " + f
}

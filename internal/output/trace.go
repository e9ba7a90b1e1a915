package output

import (
	"fmt"
	"io"

	"github.com/socklab/socklab/netlab/event"
)

// Format is how a trace's lines are written.
type Format int

const (
	Text Format = iota // the lines of docs and the screen
	JSON               // JSON lines (docs/TRACE-FORMAT.md)
)

// Trace is a command's trace lines, written by a event.TraceWriter (a
// bounded queue: a slow output drops lines and says so, and never stalls a
// socket) to a File or to the standard output.
type Trace struct {
	*event.TraceWriter
	file *File // nil: not a file
}

// NewTrace writes the trace to w (the standard output), queue events deep.
func NewTrace(w io.Writer, f Format, queue int) *Trace {
	return &Trace{TraceWriter: newWriter(w, f, queue)}
}

// CreateTrace writes the trace to the file path names for flag (see File),
// queue events deep.
func CreateTrace(flag, path string, f Format, queue int) (*Trace, error) {
	file, err := Create(flag, path)
	if err != nil {
		return nil, err
	}
	return &Trace{TraceWriter: newWriter(file, f, queue), file: file}, nil
}

func newWriter(w io.Writer, f Format, queue int) *event.TraceWriter {
	if f == JSON {
		return event.NewJSONTraceWriter(w, queue)
	}
	return event.NewTraceWriter(w, queue)
}

// Close ends the trace (waiting at most event.CloseWait for an output that
// stopped taking lines) and then its file, put in place only if every line
// was written. Lines lost because the output could not keep up are said on
// stderr; lines that could not be written are an Error.
func (t *Trace) Close(stderr io.Writer) error {
	werr := t.TraceWriter.Close()
	if n := t.Lost(); n > 0 && werr == nil {
		fmt.Fprintf(stderr, "socklab: %d trace lines lost: the output could not keep up\n", n)
	}
	if t.file != nil {
		return t.file.Finish(werr)
	}
	if werr != nil {
		return Error{fmt.Errorf("trace: %w", werr)}
	}
	return nil
}

// Drop ends the trace of a command that stopped before it was written in
// full (why says how): its file, if any, is removed and any previous one
// stays. After Close it does nothing.
func (t *Trace) Drop(why string) {
	t.TraceWriter.Close()
	if t.file != nil {
		t.file.Drop(why)
	}
}

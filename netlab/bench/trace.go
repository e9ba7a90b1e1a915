package bench

import (
	"io"

	"github.com/socklab/socklab/netlab/event"
)

// TraceWriter is the trace path of `socklab serve` and `--trace-file`
// (netlab.TraceWriter), so "trace to a file" in the comparison measures
// exactly what a traced server costs: events queued by the sockets, lines
// formatted and written by a goroutine of their own, drops counted.
type TraceWriter = event.TraceWriter

// NewTraceWriter writes the trace lines to w.
func NewTraceWriter(w io.Writer) *TraceWriter { return event.NewTraceWriter(w, TraceQueue) }

// TraceQueue is the number of events a trace may hold before it drops them,
// the same as socklab serve's.
const TraceQueue = 1 << 16

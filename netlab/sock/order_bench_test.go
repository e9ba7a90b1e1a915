package sock

import (
	"io"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// BenchmarkSequencerParallel is the Sequencer under a busy traced server:
// many goroutines each numbering a call, holding its moment while the
// "system call" runs and emitting its event, into the trace writer socklab
// serve uses. Its ns/op is the ordering's price per call with contention.
func BenchmarkSequencerParallel(b *testing.B) {
	tw := event.NewTraceWriter(io.Discard, 1<<16)
	defer tw.Close()
	q := NewSequencer(tw)
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		data := []byte("ping")
		for pb.Next() {
			id := q.newCall()
			at := q.enter(id)
			now := time.Now()
			q.Emit(event.Event{Kind: event.KindCall, Op: event.OpSend, CallID: id, FD: 5, Result: 4, Data: data, Enter: at, At: at, Return: now})
		}
	})
}

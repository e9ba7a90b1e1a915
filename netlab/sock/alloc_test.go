//go:build unix

package sock

import (
	"context"
	"io"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// TestServedRequestTraceAllocates: tracing a served request (a blocked
// recv, the recv, the send) through a Sequencer into a trace writer costs
// no heap allocation of its own: payloads and texts go in the socket's
// blocks, events are copied, never moved to the heap. The odd block and
// batch growth round down to 0 per request; an Event escaping (460 bytes,
// three per request) or a copy per payload does not.
func TestServedRequestTraceAllocates(t *testing.T) {
	tw := event.NewTraceWriter(io.Discard, 1<<16)
	defer tw.Close()
	tr := NewSequencer(tw).Tracer("server", event.RoleServer)
	tr.StatePace = ServeStatePace
	_, s := connectedPair(t, Tracer{})
	s.tr = tr
	ctx := context.Background()
	buf := make([]byte, 1024)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	traceRequest(ctx, s, buf, 64) // the first blocks and batch
	if n := testing.AllocsPerRun(1000, func() { traceRequest(ctx, s, buf, 64) }); n != 0 {
		t.Errorf("%v allocations per traced request, want 0", n)
	}
}

package sock

import (
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// ServeStatePace is the state-read pace of socklab serve's trace: at most
// 100 reads a second per connection after the calls that moved bytes, in
// bursts of StatePaceBurst. At a person's pace (a line typed, echoed,
// typed again) every call still reads; a server answering 50 000 requests
// a second no longer pays two getsockopt(TCP_INFO) per request, about a
// quarter of its CPU.
const ServeStatePace = 10 * time.Millisecond

// StatePaceBurst is how many paced reads a connection may make back to back
// before the pace applies.
const StatePaceBurst = 8

// paceEpoch gives the per-socket read times a monotonic origin: a wall
// clock stepped back must not stop a socket's reads.
var paceEpoch = time.Now()

// readsState reports whether the call c, which returned result and err,
// reads the socket's TCP state afterwards. Every call does, unless the
// tracer paces reads (Tracer.StatePace): then a send or recv that moved
// bytes reads only while the socket is within its budget, StatePaceBurst
// reads at once and one more per StatePace (a cell-rate limiter: the budget
// is one timestamp, the moment the socket's reads are paid up to). A call
// that can change the state (connect, shutdown, close, …) or that tells of
// a change (a recv of 0: the peer's FIN; a failed send or recv: a reset)
// always reads and costs nothing, so where the state moves the line has it.
func (s *sockCore) readsState(c *call, result int, err error) bool {
	pace := int64(s.tr.StatePace)
	if pace <= 0 || err != nil || result <= 0 || (c.op != event.OpSend && c.op != event.OpRecv) {
		return true
	}
	now := int64(c.stateAt.Sub(paceEpoch))
	paid := s.statePaid.Load()
	if paid-now > (StatePaceBurst-1)*pace {
		return false
	}
	s.statePaid.Store(max(paid, now) + pace)
	return true
}

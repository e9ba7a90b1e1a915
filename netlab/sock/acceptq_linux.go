package sock

import (
	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// AcceptQueueOf reads a listening socket's accept queue from TCP_INFO: for a
// socket in LISTEN, Linux puts the number of connections waiting for accept
// in tcpi_unacked and the queue's limit (the backlog) in tcpi_sacked (the
// same numbers ss -lt prints as Recv-Q and Send-Q).
func AcceptQueueOf(s *Socket) AcceptQueue {
	var q AcceptQueue
	if s == nil || s.rc == nil || s.closed.Load() {
		return q
	}
	_ = s.rc.Control(func(fd uintptr) {
		var info unix.TCPInfo
		if readTCPInfo(int(fd), &info) != nil || fromKernelState(info.State) != event.StateListen {
			return
		}
		q = AcceptQueue{Len: int(info.Unacked), Max: int(info.Sacked), Valid: true}
	})
	return q
}

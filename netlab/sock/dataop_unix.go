//go:build unix

package sock

import (
	"context"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// dataOp is one send or recv under way on a socket: its call, its buffer
// and what the kernel answered, with the poller's callbacks bound to it
// once. A socket keeps one per direction and lends it to its next send or
// recv. Made afresh for each call, the callbacks and the variables they
// captured (the call, the count, the error) were five heap allocations per
// send or recv, traced or not: most of a served connection's garbage.
type dataOp struct {
	s    *Socket
	send bool
	c    call
	buf  []byte
	n    int
	err  error
	// try makes one attempt (for the cancellable path, conn.ReadFunc and
	// WriteFunc); raw is try as the poller's RawConn wants it.
	try func(fd int) error
	raw func(fd uintptr) bool
}

// takeOp lends the socket's op for one direction, or a new one when another
// call of the same direction holds it (two goroutines receiving at once).
func (s *Socket) takeOp(slot *atomic.Pointer[dataOp], send bool) *dataOp {
	if op := slot.Swap(nil); op != nil {
		return op
	}
	op := &dataOp{s: s, send: send}
	op.try, op.raw = op.attempt, op.rawAttempt
	return op
}

// putOp gives op back, keeping nothing of the call alive.
func (s *Socket) putOp(slot *atomic.Pointer[dataOp], op *dataOp) {
	op.c, op.buf, op.n, op.err = call{}, nil, 0, nil
	slot.Store(op)
}

// attempt is one system call try; EAGAIN means the call now waits in the
// kernel.
func (op *dataOp) attempt(fd int) error {
	op.c.attempt()
	if op.send {
		op.n, op.err = sendFD(fd, op.buf, unix.MSG_NOSIGNAL)
	} else {
		op.n, op.err = recvFD(fd, op.buf, 0)
	}
	if op.err == unix.EAGAIN {
		if op.c.textLater {
			// A blocked event holds no payload to make the text from.
			op.c.text, op.c.textLater = op.s.sendCallText(fd, op.buf), false
		}
		op.c.notYet(op.s.base)
	}
	return op.err
}

func (op *dataOp) rawAttempt(fd uintptr) bool { return !notReady(op.attempt(int(fd))) }

// run makes the call as the poller allows. With a context that can never be
// cancelled it goes straight to the RawConn: mdlayher/socket's ReadFunc
// allocates a channel and a WaitGroup per call to watch for cancellation,
// which showed in the echo server's profile.
func (op *dataOp) run(ctx context.Context) error {
	s := op.s
	if ctx.Done() != nil || s.rc == nil {
		if op.send {
			return s.conn.WriteFunc(ctx, "send", op.try)
		}
		return s.conn.ReadFunc(ctx, "recv", op.try)
	}
	var perr error
	if op.send {
		perr = s.rc.Write(op.raw)
	} else {
		perr = s.rc.Read(op.raw)
	}
	if perr != nil {
		return perr
	}
	return op.err
}

package sock

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"syscall"

	"github.com/socklab/socklab/netlab/event"
)

// CallError is a failed socket call: which call, on which address, and the
// errno the kernel answered (0 when the failure was socklab's own, such as a
// timeout).
type CallError struct {
	Call  string
	Addr  netip.AddrPort
	Errno syscall.Errno
	Err   error
}

func (e *CallError) Error() string {
	where := e.Call
	if e.Addr.IsValid() {
		where += " " + e.Addr.String()
	}
	if e.Errno != 0 {
		return fmt.Sprintf("%s: %s (%s)", where, event.ErrnoName(e.Errno), e.Errno.Error())
	}
	return fmt.Sprintf("%s: %s", where, nonErrno(e.Err))
}

func (e *CallError) Unwrap() error { return e.Err }

// Hint is a one-line suggestion for the errno, for people new to sockets.
func (e *CallError) Hint() string { return event.Hint(e.Errno) }

func wrap(call string, addr netip.AddrPort, err error) error {
	if err == nil {
		return nil
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		err = se.Err
	}
	return &CallError{Call: call, Addr: addr, Errno: event.ErrnoOf(err), Err: err}
}

// IsTimeout reports whether err is socklab's own timer running out.
func IsTimeout(err error) bool {
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)
}

package service

import (
	"errors"
	"strings"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// AcceptFailure is an accept that returned an error other than a client
// that gave up (ECONNABORTED) or a signal (EINTR): what the kernel said and
// what it means for the room. A dashboard shows it; the server never goes
// on as if accept ran freely.
type AcceptFailure struct {
	Errno   string // EMFILE, ENFILE, ENOBUFS, …
	Meaning string
	Fatal   bool // the listening socket is unusable: serving ends
}

// acceptFailure reads an accept error. Out of descriptors or memory, and
// the network errors Linux's accept(2) passes on from a new connection,
// pass: the server pauses and tries again. A broken listening socket does
// not.
func acceptFailure(err error) AcceptFailure {
	name := "error"
	var ce *sock.CallError
	if errors.As(err, &ce) && ce.Errno != 0 {
		name = event.ErrnoName(ce.Errno)
	}
	f := AcceptFailure{Errno: name}
	switch name {
	case "EMFILE":
		f.Meaning = "this process is out of file descriptors (ulimit -n): accept pauses, students wait in the queue until a connection closes"
	case "ENFILE":
		f.Meaning = "the system is out of file descriptors: accept pauses, students wait in the queue"
	case "ENOBUFS", "ENOMEM":
		f.Meaning = "the kernel is out of memory for sockets: accept pauses and tries again"
	case "EPERM":
		f.Meaning = "a firewall rule refused the connection: accept tries the next one"
	case "EBADF", "EINVAL", "ENOTSOCK", "EOPNOTSUPP", "EFAULT":
		f.Meaning, f.Fatal = "the listening socket is unusable: the server stops", true
	default:
		f.Meaning = "the network refused a connection being accepted (" + strings.ToLower(errText(err)) + "): accept pauses and tries again"
	}
	return f
}

func errText(err error) string {
	var ce *sock.CallError
	if errors.As(err, &ce) && ce.Err != nil {
		return ce.Err.Error()
	}
	return err.Error()
}

// acceptWatcher is a ConnWatcher that also hears of failed accepts (the
// class dashboard).
type acceptWatcher interface {
	AcceptFailed(f AcceptFailure)
}

package ptrace

import (
	"context"
	"io"
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// Config says which program to run and where its calls go.
type Config struct {
	// Argv is the program and its arguments; Argv[0] is looked up in PATH.
	Argv []string
	Env  []string // nil: socklab's own environment
	Dir  string   // "": socklab's working directory
	// Stdin, Stdout and Stderr are the program's; nil gives it /dev/null
	// (stdin) or discards what it writes.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Tracer returns where the calls made on a socket of role r are
	// reported: a Lab's Tracer (so its gate steps them) or a Sequencer's.
	Tracer func(r event.Role) sock.Tracer
	// Role is the role of a socket before it listens, connects or is
	// accepted (RoleServer for a server program, RoleClient for a client).
	Role event.Role
	// Ctx ends waits at the step gate (the program then runs on untraced
	// calls until it is stopped). nil: context.Background().
	Ctx context.Context
	// OnListen, if set, is told the address of each socket the program
	// made listen (from getsockname on its fd after listen returned).
	OnListen func(netip.AddrPort)

	// beforeStateRead, when set, is called at a call's exit stop before
	// the socket's state is read (tests: a read that comes late, as on a
	// machine where the tracer waits for a CPU).
	beforeStateRead func(event.Op)
}

// Exit is how the program ended.
type Exit struct {
	Code   int    // exit status, or 128+signal
	Signal string // "SIGKILL" when a signal ended it, else ""
}

func (e Exit) String() string {
	if e.Signal != "" {
		return "killed by " + e.Signal
	}
	return "exit status " + itoa(e.Code)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

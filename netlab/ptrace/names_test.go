//go:build linux && (amd64 || arm64)

package ptrace

import (
	"strings"
	"syscall"
	"testing"

	"github.com/socklab/socklab/internal/testpython"
	"github.com/socklab/socklab/netlab/event"
)

// TestGetpeernameIsItsOwnCall: a program's getpeername is reported as
// getpeername (it was getsockname's op with a syscall name, and the ladder,
// which draws ops, showed the seeds' echo server ending with
// "getsockname() ENOTCONN").
func TestGetpeernameIsItsOwnCall(t *testing.T) {
	t.Parallel()
	prog := `import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
c, _ = s.accept()
c.getpeername()
try:
    s.getpeername()
except OSError:
    pass
c.close()
s.close()
`
	ev := traceServer(t, testpython.Argv(t, "-c", prog))
	var ok, failed bool
	for _, e := range ev {
		if e.Kind != event.KindCall || e.Op != event.OpGetpeername {
			continue
		}
		switch {
		case e.Result == 0 && e.Remote.IsValid() && strings.HasPrefix(e.String(), "program   getpeername(4) = 0"):
			ok = true
		case e.Errno == syscall.ENOTCONN && strings.HasPrefix(e.String(), "program   getpeername(3) = -1 ENOTCONN"):
			failed = true
		}
	}
	if !ok || !failed {
		var lines []string
		for _, e := range ev {
			lines = append(lines, e.String())
		}
		t.Fatalf("want getpeername(4) = 0 and getpeername(3) = -1 ENOTCONN as getpeername calls; got:\n%s", strings.Join(lines, "\n"))
	}
}

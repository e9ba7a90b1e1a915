package ptrace

import (
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// interpreter is the program "python3" on PATH runs, asked once: where
// python3 is a version manager's shim (pyenv's is a shell script that
// spends more CPU than the interpreter's own start), each test program
// runs under the interpreter itself, the one the shim would have started.
var interpreter = sync.OnceValues(func() (string, error) {
	if _, err := exec.LookPath("python3"); err != nil {
		return "", err
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if p := strings.TrimSpace(string(out)); err == nil && p != "" {
		return p, nil
	}
	return "python3", nil // no answer: the name itself still runs it
})

// python3 is the interpreter's path, or skips the test without one.
func python3(t testing.TB) string {
	t.Helper()
	p, err := interpreter()
	if err != nil {
		t.Skip("no python3")
	}
	return p
}

// Package testpython finds, for tests, the interpreter "python3" runs.
// Where python3 is a version manager's shim (pyenv's is a shell script
// that spends ~0.3 s of CPU per start, four times the interpreter's own),
// tests that start many Python programs run the interpreter itself, the
// one the shim would have started.
package testpython

import (
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Interpreter is the path of the interpreter python3 runs, asked once;
// "python3" itself when it gave no answer, an error when there is none.
var Interpreter = sync.OnceValues(func() (string, error) {
	if _, err := exec.LookPath("python3"); err != nil {
		return "", err
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if p := strings.TrimSpace(string(out)); err == nil && p != "" {
		return p, nil
	}
	return "python3", nil // no answer: the name itself still runs it
})

// Path is Interpreter's path, or skips the test where there is no python3.
func Path(t testing.TB) string {
	t.Helper()
	p, err := Interpreter()
	if err != nil {
		t.Skip("no python3")
	}
	return p
}

// Argv is the command line running the interpreter on args (a script and
// its arguments, or -c and a program) without the site module (-S). The
// test programs import only the standard library; site imports every .pth
// of site-packages, and on a machine where one imports a package (certifi,
// here: 55 ms) that doubled a start, and under the tracer each of its file
// reads is a stop.
func Argv(t testing.TB, args ...string) []string {
	t.Helper()
	return append([]string{Path(t), "-S"}, args...)
}

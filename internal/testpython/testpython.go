// Package testpython finds, for tests, a Python 3 interpreter to run the
// test programs with. Where python3 is a version manager's shim (pyenv's
// is a shell script that spends ~0.5 s of CPU per start here, five times
// the interpreter's own), tests run an interpreter itself: the first
// python3 on PATH that is not a script, else the one the shim starts.
package testpython

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Interpreter is the path of a python3 interpreter, found once: the first
// python3 on PATH that is a program and not a script (a shim), else the one
// python3 says it is; "python3" itself when it gave no answer, an error
// when there is none.
var Interpreter = sync.OnceValues(func() (string, error) {
	if _, err := exec.LookPath("python3"); err != nil {
		return "", err
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if p := filepath.Join(dir, "python3"); dir != "" && filepath.IsAbs(p) && program(p) {
			return p, nil
		}
	}
	// Only shims: ask one (a process, and the shim's cost) which it runs.
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if p := strings.TrimSpace(string(out)); err == nil && p != "" {
		return p, nil
	}
	return "python3", nil // no answer: the name itself still runs it
})

// program reports whether path is an executable file that is not a script
// ("#!" first).
func program(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 2)
	_, err = io.ReadFull(f, head)
	return err == nil && !bytes.Equal(head, []byte("#!"))
}

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

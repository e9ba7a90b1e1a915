//go:build unix

package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/socklab/socklab/internal/testpython"
)

// The end-to-end tests run side by side (t.Parallel): each has its own tmux
// server, temp dir, ports and namespaces, and they spend their time waiting
// on a screen or a process. The tests without t.Parallel run first, one at
// a time: the flood and the class room (the load they make would slow the
// others' screens) and the two on the seeds' fixed port.

// socklabBin is the socklab binary every end-to-end test of this package
// runs: TestMain links it once (linking is most of an e2e test's cost when
// each test builds its own), in a directory every user can read, so the
// wire tests can run it as user nobody.
var socklabBin string

func TestMain(m *testing.M) {
	flag.Parse()
	// -parallel defaults to the number of CPUs, but these tests wait on
	// screens and processes far more than they compute: four at a time,
	// unless -parallel was given.
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "4")
	}
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "socklab-suite-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e binary:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e binary:", err)
		return 1
	}
	socklabBin = filepath.Join(dir, "socklab")
	if out, err := exec.Command("go", "build", "-o", socklabBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e binary: go build: %v\n%s", err, out)
		return 1
	}
	preferRealPython()
	return m.Run()
}

// preferRealPython puts the directory of the interpreter "python3" runs
// first on PATH, for the tests and every socklab and program they start.
// Where python3 is a version manager's shim (pyenv's is a shell script) its
// every start cost ~0.3 s of CPU, four times the interpreter's own, and the
// suite starts Python some forty times; the interpreter is the one the
// shim would have run.
func preferRealPython() {
	exe, err := testpython.Interpreter()
	if err != nil || !filepath.IsAbs(exe) || filepath.Base(exe) != "python3" {
		return
	}
	os.Setenv("PATH", filepath.Dir(exe)+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// copyBinary puts a copy of the e2e binary in dir (for a test that runs it
// from a directory of its own) and returns its path.
func copyBinary(t *testing.T, dir string) string {
	t.Helper()
	in, err := os.Open(socklabBin)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	bin := filepath.Join(dir, "socklab")
	out, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return bin
}

//go:build unix

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/socklab/socklab/internal/testhook"
	"github.com/socklab/socklab/internal/testpython"
	"github.com/socklab/socklab/internal/testrun"
)

// The end-to-end tests run side by side (t.Parallel): each has its own tmux
// server, temp dir, ports and namespaces, and they spend their time waiting
// on a screen or a process. The flood runs beside them too: what it
// asserts (keys answered, memory bounded, exit 0) is its own process's,
// and its load slows the others' screens no more than their own 45 s
// waits allow (run alone first, it held every other test ~2.7 s). The
// four on the seeds' fixed port run beside the others, one of them at a
// time (holdSeedPort).

// socklabBin is the socklab binary every end-to-end test of this package
// runs: this test binary itself, which holds all of package main, linked as
// "socklab" in a directory every user can read (the wire tests run it as
// user nobody). Run with runMainEnv set, it is socklab: TestMain runs main
// and nothing of the tests. A go build of its own in TestMain cost ~2.3 s
// of CPU per run of the suite (the go command and a second link of the
// same code) and held the package's start.
var socklabBin string

// runMainEnv, set in this process's environment and so in every process
// the tests start, makes the test binary run as socklab. Only this test
// binary reads it: the socklab a user builds has no such switch.
const runMainEnv = "SOCKLAB_E2E_RUN_MAIN"

// plantPanicEnv, beside runMainEnv, makes the socklab this binary runs as
// panic in each connection goroutine of its labs' servers (testhook).
const plantPanicEnv = "SOCKLAB_E2E_PLANT_PANIC"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		if os.Getenv(plantPanicEnv) == "1" {
			testhook.ServeConn = func() { panic("planted by the e2e test") }
		}
		main() // it exits with socklab's status
		return
	}
	// These tests wait on screens and processes far more than they
	// compute: eight at a time (at four the package took 22 s in the suite,
	// at eight 17.5 s).
	testrun.Parallel(8)
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
	if err := e2eBinary(socklabBin); err != nil {
		fmt.Fprintln(os.Stderr, "e2e binary:", err)
		return 1
	}
	os.Setenv(runMainEnv, "1")
	preferRealPython(dir)
	return m.Run()
}

// e2eBinary puts at path the socklab the tests run: this test binary, or
// under -race the same test binary built without it. The e2e tests check
// the product's exit statuses, memory and timing, which the race
// detector's own cost would change (a lesson file's check went from 45 to
// 60 MB), and bubbletea's input reader races its own close at exit
// (muesli/cancelreader: exit status 66 after a clean quit). The races of
// socklab's code the e2e tests once found this way have tests of their
// own (lessons' TestStepResultIsTheStepsEnd).
func e2eBinary(path string) error {
	if !raceDetector {
		return linkSelf(path)
	}
	if out, err := exec.Command("go", "test", "-c", "-o", path, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("go test -c: %v\n%s", err, out)
	}
	return nil
}

// linkSelf makes path this test binary: a hard link where the file system
// allows one, else a copy. Its name is socklab (the name pgrep and ps show).
func linkSelf(path string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if os.Link(self, path) == nil {
		return os.Chmod(path, 0o755)
	}
	return copyFile(self, path)
}

// copyFile copies the file src to a new executable file dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// preferRealPython makes "python3" the interpreter testpython found, for
// the tests and every socklab and program they start: a directory holding
// only a link to it goes first on PATH. Where python3 is a version
// manager's shim (pyenv's is a shell script) its every start cost ~0.5 s of
// CPU here, five times the interpreter's own, and the suite starts Python
// some forty times.
func preferRealPython(dir string) {
	exe, err := testpython.Interpreter()
	if err != nil || !filepath.IsAbs(exe) {
		return
	}
	bin := filepath.Join(dir, "python")
	if os.Mkdir(bin, 0o755) != nil || os.Symlink(exe, filepath.Join(bin, "python3")) != nil {
		return
	}
	os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// copyBinary puts a copy of the e2e binary in dir (for a test that runs it
// from a directory of its own) and returns its path.
func copyBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "socklab")
	if err := copyFile(socklabBin, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// Package testrun holds what the test binaries' TestMain functions share.
// Only tests import it: the socklab binary must not read its environment
// variable (netlab's TestShippedBinaryHoldsNoTestHelpers).
package testrun

import (
	"flag"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Parallel sets -test.parallel to n unless the command line gave it. Go's
// default is the number of CPUs (2 here), made for tests that compute; the
// tests that call this mostly wait (on programs, screens, timeouts and the
// kernel's timers), and at two at a time they queued behind each other.
// It parses the command line's flags.
func Parallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}

// aloneEnv names, in a child test process Alone started, the test it runs.
const aloneEnv = "SOCKLAB_TEST_ALONE"

// Alone runs the calling top-level test by itself in a child process of
// the test binary and reports whether this is the parent, whose test is
// then over: it passed or failed as the child did, with the child's output
// in its log. In the child Alone returns false and the test's body runs.
//
// It is for tests that read what belongs to the whole process (the heap,
// the goroutines, the open files): run in the package's process they had
// to run before every parallel test was let go, which held the package for
// their whole duration; in their own process they run beside the others.
func Alone(t *testing.T) (parent bool) {
	t.Helper()
	return alone(t, false)
}

// AloneAtOnce is Alone for one of a package's longest tests: its child
// process starts as soon as the test is, before t.Parallel pauses it, and
// so runs from the start beside every other test. Under Alone the child
// waited for the test to be given one of the -test.parallel places, which
// Go hands to the paused tests in the scheduler's order, not theirs: a
// 1.4 s test could start when the rest were nearly done.
func AloneAtOnce(t *testing.T) (parent bool) {
	t.Helper()
	return alone(t, true)
}

// alone is Alone, its child started before t.Parallel when atOnce.
func alone(t *testing.T, atOnce bool) (parent bool) {
	t.Helper()
	if os.Getenv(aloneEnv) == t.Name() {
		return false
	}
	args := []string{"-test.run=^" + regexp.QuoteMeta(t.Name()) + "$", "-test.count=1", "-test.v"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), aloneEnv+"="+t.Name())
	var out string
	var err error
	if atOnce {
		out, err = ParallelChild(t, cmd)
	} else {
		t.Parallel()
		var b []byte
		b, err = cmd.CombinedOutput()
		out = string(b)
	}
	t.Logf("in its own process:\n%s", out)
	if err != nil {
		t.Fatalf("the test in its own process: %v", err)
	}
	if strings.Contains(out, "--- SKIP: "+t.Name()) {
		t.Skip("skipped in its own process")
	}
	if !strings.Contains(out, "--- PASS: "+t.Name()) {
		t.Fatalf("the test in its own process did not pass")
	}
	return true
}

// ParallelChild starts cmd, then lets t run in parallel (t.Parallel) and
// waits for cmd: its output (stdout and stderr) and error. The child runs
// from the moment the test starts, while the test itself waits for its
// place among the parallel ones, which Go gives in its scheduler's order.
func ParallelChild(t *testing.T, cmd *exec.Cmd) (out string, err error) {
	t.Helper()
	var b strings.Builder
	cmd.Stdout, cmd.Stderr = &b, &b
	err = cmd.Start()
	t.Parallel()
	if err == nil {
		err = cmd.Wait()
	}
	return b.String(), err
}

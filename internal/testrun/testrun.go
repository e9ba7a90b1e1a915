// Package testrun holds what the test binaries' TestMain functions share.
package testrun

import (
	"flag"
	"strconv"
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

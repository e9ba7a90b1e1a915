//go:build unix

package bench

import (
	"flag"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// -parallel defaults to the number of CPUs, but most parallel tests here
	// wait (on an idle timeout, a server dropping resets): four at a time,
	// unless -parallel was given.
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "4")
	}
	goleak.VerifyTestMain(m)
}

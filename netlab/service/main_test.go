package service

import (
	"flag"
	"testing"

	"github.com/socklab/socklab/netlab/internal/testkit"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// -parallel defaults to the number of CPUs, but the parallel tests here
	// mostly wait (on a rate limit, a byte budget, a request timeout): eight
	// at a time, unless -parallel was given.
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "8")
	}
	goleak.VerifyTestMain(m)
}

var loop4 = testkit.Loop4

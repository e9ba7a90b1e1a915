package service

import (
	"testing"

	"github.com/socklab/socklab/internal/testrun"
	"github.com/socklab/socklab/netlab/internal/testkit"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The parallel tests here mostly wait (on a rate limit, a byte budget,
	// a request timeout, an idle timeout): all at once (at eight the idle
	// and rate-limit tests queued behind each other; the package's CPU is
	// about 3 s in 4 s of wall).
	testrun.Parallel(64)
	goleak.VerifyTestMain(m)
}

var loop4 = testkit.Loop4

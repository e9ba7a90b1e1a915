package service

import (
	"testing"

	"github.com/socklab/socklab/internal/testrun"
	"github.com/socklab/socklab/netlab/internal/testkit"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The parallel tests here mostly wait (on a rate limit, a byte budget,
	// a request timeout): eight at a time.
	testrun.Parallel(8)
	goleak.VerifyTestMain(m)
}

var loop4 = testkit.Loop4

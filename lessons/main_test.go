package lessons

import (
	"flag"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// A fuzz run plays lessons with addresses the fuzzer made up: it runs
	// in a private network, where they reach nothing of the host's.
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		if code, ran := fuzzInPrivateNetwork(); ran {
			os.Exit(code)
		}
	}
	goleak.VerifyTestMain(m)
}

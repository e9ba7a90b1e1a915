package program

import (
	"os"
	"testing"

	"github.com/socklab/socklab/netlab/ptrace"
)

func TestMain(m *testing.M) {
	ptrace.Launch() // a traced program's launcher is this test binary
	os.Exit(m.Run())
}

package service

import (
	"testing"

	"github.com/socklab/socklab/netlab/internal/testkit"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var loop4 = testkit.Loop4

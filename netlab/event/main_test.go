package event

import "github.com/socklab/socklab/netlab/internal/testkit"

var waitFor = testkit.For

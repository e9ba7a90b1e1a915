package event

import "github.com/socklab/socklab/netlab/internal/testwait"

var waitFor = testwait.For

// Package testkit holds what the tests of several netlab packages share:
// the one way they wait (on the condition they assert, polled, never a
// fixed sleep) and the address they listen on. It imports only the
// standard library; only tests import it.
package testkit

import (
	"net/netip"
	"testing"
	"time"
)

// Loop4 asks the kernel for any free port on IPv4 loopback.
var Loop4 = netip.MustParseAddrPort("127.0.0.1:0")

// For polls cond every 2 ms until it holds, and fails the test after 5 s
// naming what it waited for.
func For(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

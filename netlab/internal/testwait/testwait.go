// Package testwait holds the one way netlab's tests wait: on the condition
// they assert, polled, never a fixed sleep. It imports only the standard
// library, so the tests of every netlab package can share it.
package testwait

import (
	"testing"
	"time"
)

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

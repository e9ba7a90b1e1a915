package lessons

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestFailingExpectationIsReported plays a lesson whose expectation the
// kernel cannot bear out (a new socket is CLOSED, not ESTABLISHED): the
// trace must say FAIL and report that not every expectation held.
func TestFailingExpectationIsReported(t *testing.T) {
	parallel(t, rankOther)
	ls, err := LoadDir("testdata/mustfail")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ok, err := Trace(context.Background(), &out, 1, ls[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ok || !strings.Contains(out.String(), "FAIL expect s.socket.state == ESTABLISHED") {
		t.Fatalf("the failing expectation was not reported (ok=%v):\n%s", ok, out.String())
	}
}

//go:build unix

package sock

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// TestServedSendLeavesItsTextToTheWriter: a send traced into a trace writer
// (socklab serve's path) leaves its text to the writer, whose line is the
// one the text made at the call writes; a send that sent nothing (it
// failed) keeps no copy to make the text from, so it makes it at the call.
// A gate, which shows the call before it is made, or a sink that is not a
// trace writer, takes every text at the call.
func TestServedSendLeavesItsTextToTheWriter(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	tw := event.NewTraceWriter(&out, 1024)
	tr := NewSequencer(tw).Tracer("server", event.RoleServer)
	if !tr.textLater() {
		t.Fatal("a served tracer into a trace writer makes its sends' texts at the call")
	}
	_, s := connectedPair(t, Tracer{})
	s.tr = tr
	sent := [][]byte{[]byte("hello\n"), []byte(strings.Repeat("\x80é", 30))}
	for _, p := range sent {
		if _, err := s.Send(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Shutdown(ctx, ShutWrite); err != nil {
		t.Fatal(err)
	}
	failed := []byte(strings.Repeat("z", 40))
	if _, err := s.Send(ctx, failed); err == nil {
		t.Fatal("a send after shutdown(SHUT_WR) succeeded")
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	trace := out.String()
	for _, p := range sent {
		want := "send(" + string(event.AppendSendArgs(nil, s.fd, p, len(p))) + ") = " + strconv.Itoa(len(p))
		if !strings.Contains(trace, want) {
			t.Errorf("the trace has no %q:\n%s", want, trace)
		}
	}
	if want := "send(" + string(event.AppendSendArgs(nil, s.fd, failed, len(failed))) + ") = -1 EPIPE"; !strings.Contains(trace, want) {
		t.Errorf("the trace has no %q:\n%s", want, trace)
	}

	gated := tr
	gated.Gate = NewGate(func() {})
	if gated.textLater() {
		t.Error("a gated call leaves its text to the writer: the gate shows it before the call")
	}
	if (Tracer{Sink: event.NewLog(16), Seq: tr.Seq}).textLater() {
		t.Error("a send reported to a log leaves its text to a writer that is not there")
	}
}

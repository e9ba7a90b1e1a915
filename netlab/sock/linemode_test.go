//go:build unix

package sock

import (
	"bytes"
	"context"
	"net/netip"
	"regexp"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/internal/linequeue"
)

// TestLineModeWritesTheEventsLines: a served trace's sockets build their
// line records themselves (line mode), and what the trace file holds is,
// line for line, what the same calls write through whole Events: the
// socket's life from socket(2) to close, a recv that blocks, data both
// ways, a peer's FIN, a send that fails, every state read.
func TestLineModeWritesTheEventsLines(t *testing.T) {
	lines := servedScript(t, true)
	events := servedScript(t, false)
	if lines != events {
		t.Errorf("line mode wrote\n%s\nwhole events wrote\n%s", lines, events)
	}
	for _, want := range []string{"... blocked in kernel", `recv(`, `= 5  [A <-> A] ESTABLISHED "hello"`,
		`send(FD, "reply", 5, 0) = 5`, "= 0  [A <-> A] CLOSE_WAIT", "EPIPE", "close(FD) = 0"} {
		if !bytes.Contains([]byte(lines), []byte(want)) {
			t.Errorf("the trace has no %q:\n%s", want, lines)
		}
	}
}

var (
	addrText = regexp.MustCompile(`\d+\.\d+\.\d+\.\d+:\d+`)
	fdText   = regexp.MustCompile(`\((\d+)`)
	newFD    = regexp.MustCompile(`((?:socket\(.*?\)|accept\(FD\))) = \d+`)
)

// servedScript plays one scripted server's calls into a text trace writer,
// in line mode or not, and returns the trace with addresses and fds
// replaced (two runs have different ports).
func servedScript(t *testing.T, lineMode bool) string {
	t.Helper()
	ctx := context.Background()
	var out bytes.Buffer
	tw := event.NewTraceWriter(&out, 1024)
	q := NewSequencer(tw)
	q.lineMode.Store(lineMode)
	tr := q.Tracer("server", event.RoleServer)
	if tr.lineMode() != lineMode {
		t.Fatalf("the tracer's line mode is %v, want %v", tr.lineMode(), lineMode)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ln, err := Open(ctx, tr, IPv4, Stream)
	must(err)
	must(ln.Bind(ctx, netip.MustParseAddrPort("127.0.0.1:0")))
	must(ln.Listen(ctx, 4))
	client, err := Open(ctx, Tracer{}, IPv4, Stream)
	must(err)
	defer client.Close(ctx)
	must(client.Connect(ctx, ln.LocalAddr()))
	s, err := ln.Accept(ctx)
	must(err)
	go func() {
		time.Sleep(30 * time.Millisecond) // the server's recv is blocked by then
		client.Send(ctx, []byte("hello"))
	}()
	got, err := s.Recv(ctx, 64)
	must(err)
	if string(got) != "hello" {
		t.Fatalf("recv got %q", got)
	}
	_, err = s.Send(ctx, []byte("reply"))
	must(err)
	if _, err := client.Recv(ctx, 64); err != nil {
		t.Fatal(err)
	}
	must(client.Shutdown(ctx, ShutWrite))
	time.Sleep(30 * time.Millisecond) // the FIN is in: the recv does not block
	_, err = s.Recv(ctx, 64)
	must(err)
	must(s.Shutdown(ctx, ShutWrite))
	if _, err := s.Send(ctx, []byte("late")); err == nil {
		t.Fatal("a send after shutdown(SHUT_WR) succeeded")
	}
	must(s.Close(ctx))
	must(ln.Close(ctx))
	must(tw.Close())
	if lineMode {
		for i := range linequeue.Count {
			if n := q.shardOf(i).Busy(); n != 0 {
				t.Errorf("shard %d is still marked busy by %d calls: its lines would wait forever", i, n)
			}
		}
	}
	trace := addrText.ReplaceAllString(out.String(), "A")
	trace = fdText.ReplaceAllString(trace, "(FD")
	return newFD.ReplaceAllString(trace, "$1 = FD")
}

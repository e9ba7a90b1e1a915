package sock

import (
	"fmt"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// TestDataCallTextIsWhatSprintfWrote: the text a traced send or recv shows
// is the same, byte for byte, as the fmt form it replaced, for data short,
// long (cut at 24 bytes), empty, nil and not UTF-8.
func TestDataCallTextIsWhatSprintfWrote(t *testing.T) {
	for _, p := range [][]byte{nil, {}, []byte("hello\n"), []byte(strings.Repeat("x", 25)), []byte("\xff\x00\"quote\"\t"), []byte(strings.Repeat("é", 40))} {
		want := fmt.Sprintf("%d, %s, %d, 0", 7, event.Quote(p, 24), len(p))
		if got := string(event.AppendSendArgs(nil, 7, p, len(p))); got != want {
			t.Errorf("send text of %q: %q, want %q", p, got, want)
		}
	}
	if got, want := recvArgs(12, 1024), fmt.Sprintf("%d, %d, 0", 12, 1024); got != want {
		t.Errorf("recv text %q, want %q", got, want)
	}
}

// TestRecvCallTextFollowsItsCall: the recv text a socket reuses is rebuilt
// when the buffer's size or the fd changes, never a previous call's.
func TestRecvCallTextFollowsItsCall(t *testing.T) {
	var s sockCore
	for _, c := range []struct{ fd, size int }{{5, 1024}, {5, 1024}, {5, 64}, {6, 64}, {5, 1024}, {5, 1024}} {
		if got, want := s.recvCallText(c.fd, c.size), fmt.Sprintf("%d, %d, 0", c.fd, c.size); got != want {
			t.Errorf("recv on fd %d of %d bytes: text %q, want %q", c.fd, c.size, got, want)
		}
	}
}

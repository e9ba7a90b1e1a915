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
		if got := dataCallText(7, true, p, len(p)); got != want {
			t.Errorf("send text of %q: %q, want %q", p, got, want)
		}
	}
	if got, want := dataCallText(12, false, nil, 1024), fmt.Sprintf("%d, %d, 0", 12, 1024); got != want {
		t.Errorf("recv text %q, want %q", got, want)
	}
}

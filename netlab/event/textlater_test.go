package event

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// TestTextLaterIsTheSendsText: a send that left its text to the writer
// (TextLater) is written, as a trace line and as JSON, byte for byte as the
// same send with its text made on the data path, from every copy of what
// was sent that holds the bytes the text shows: short, cut at SendQuote,
// not UTF-8, a rune cut by the cut, empty.
func TestTextLaterIsTheSendsText(t *testing.T) {
	payloads := [][]byte{nil, []byte("hello\n"), []byte(strings.Repeat("x", SendQuote)),
		[]byte(strings.Repeat("y", SendQuote+1)), []byte("\xff\x00\"quote\"\t" + strings.Repeat("\x80", 40)),
		[]byte(strings.Repeat("é", 40))}
	for _, p := range payloads {
		eager := Event{Kind: KindCall, Op: OpSend, Actor: "server", FD: 5, Args: Args{Size: len(p)}, Result: len(p),
			Local: netip.MustParseAddrPort("127.0.0.1:7"), Remote: netip.MustParseAddrPort("127.0.0.1:50000"),
			State: StateEstablished, Data: p, Text: fmt.Sprintf("%d, %s, %d, 0", 5, Quote(p, SendQuote), len(p))}
		for n := min(len(p), SendQuote); n <= len(p); n++ {
			later := eager
			later.Text, later.TextLater, later.Data = "", true, p[:n]
			eager.Data = p[:n]
			if got, want := later.String(), eager.String(); got != want {
				t.Errorf("%q sent, %d bytes kept: line %q, want %q", p, n, got, want)
			}
			if got, want := later.AppendJSON(nil), eager.AppendJSON(nil); !bytes.Equal(got, want) {
				t.Errorf("%q sent, %d bytes kept: JSON %s, want %s", p, n, got, want)
			}
			if got := later.CallText(); got != eager.Text {
				t.Errorf("%q sent, %d bytes kept: CallText %q, want %q", p, n, got, eager.Text)
			}
		}
	}
}

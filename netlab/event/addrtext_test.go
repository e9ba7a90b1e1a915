package event

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
)

// TestTraceWriterAddressTextsNeverStale: the writer's remembered address
// texts give every line exactly what Event.String writes, when connections
// share a slot (remote ports 64 apart), when a slot's local or remote
// address changes, for IPv6 and for a socket with only a local address.
func TestTraceWriterAddressTextsNeverStale(t *testing.T) {
	ap := netip.MustParseAddrPort
	pairs := [][2]netip.AddrPort{
		{ap("127.0.0.1:65432"), ap("127.0.0.1:40000")},
		{ap("127.0.0.1:65432"), ap("127.0.0.1:40064")}, // the same slot
		{ap("127.0.0.2:65432"), ap("127.0.0.1:40000")}, // another local, the same remote
		{ap("127.0.0.1:65432"), ap("127.0.0.3:40000")}, // another remote host, the same port
		{ap("[::1]:65432"), ap("[::1]:40000")},
		{ap("127.0.0.1:65432"), {}},
		{{}, ap("127.0.0.1:40000")},
		{ap("127.0.0.1:65432"), ap("127.0.0.1:40000")}, // the first again
	}
	var events []Event
	for round := range 2 {
		for i, p := range pairs {
			events = append(events, Event{Kind: KindCall, Actor: "server", Op: OpRecv, Text: "4, 1024, 0",
				FD: 4, Result: round*10 + i, Local: p[0], Remote: p[1], State: StateEstablished})
		}
	}
	var out bytes.Buffer
	tw := NewTraceWriter(&out, len(events))
	for _, e := range events {
		tw.Emit(e)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(events) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(events), out.String())
	}
	for i, e := range events {
		if lines[i] != e.String() {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], e.String())
		}
	}
}

package lessons

import (
	"net/netip"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// TestCallFieldsCoverVocabulary: every field a rule may name is read by
// the table for a returned call (or, for "last" and "blocked", elsewhere),
// and the table reads nothing a rule cannot name.
func TestCallFieldsCoverVocabulary(t *testing.T) {
	parallel(t, rankOther)
	elsewhere := map[string]bool{"blocked": true, "last": true}
	for name := range fields {
		if _, ok := callFields[name]; !ok && !elsewhere[name] {
			t.Errorf("field %q is in the vocabulary but no call reads it", name)
		}
	}
	for name := range callFields {
		if _, ok := fields[name]; !ok {
			t.Errorf("callFields reads %q, which rules cannot name", name)
		}
	}
}

// TestOutcomeFieldReadsTheResult reads each kind of field of a finished
// recv from the table, against the event's own values.
func TestOutcomeFieldReadsTheResult(t *testing.T) {
	parallel(t, rankOther)
	ev := event.Event{Kind: event.KindCall, Op: event.OpRecv, Seq: 7, FD: 5, Result: 2, Data: []byte("hi"),
		Local: netip.MustParseAddrPort("[::1]:9000"), Remote: netip.MustParseAddrPort("[::1]:41000"), State: event.StateEstablished}
	o := &Outcome{Action: Action{Actor: "client", Op: "recv"}, Events: []event.Event{ev}, Done: true}
	want := map[string]string{"ok": "true", "failed": "false", "result": "2", "port": "9000", "peerport": "41000",
		"data": "hi", "hex": "68 69", "len": "2", "fd": "5", "seq": "7", "family": "AF_INET6", "state": "ESTABLISHED"}
	for name, w := range want {
		v, err := o.Field(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := v.String(); got != w {
			t.Errorf("%s = %s, want %s", name, got, w)
		}
	}
	if _, err := o.Field("nonsense"); err == nil {
		t.Error("an unknown field read without an error")
	}
}

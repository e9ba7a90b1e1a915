package event

import "testing"

// TestParseTCPStateInvertsString: every state's name reads back as that
// state; the empty name and unknown words are StateNone, never a state.
func TestParseTCPStateInvertsString(t *testing.T) {
	for s := StateClosed; s <= StateTimeWait; s++ {
		if got := ParseTCPState(s.String()); got != s {
			t.Errorf("ParseTCPState(%q) = %v, want %v", s.String(), got, s)
		}
	}
	for _, name := range []string{"", "established", "LISTENING", "?"} {
		if got := ParseTCPState(name); got != StateNone {
			t.Errorf("ParseTCPState(%q) = %v, want StateNone", name, got)
		}
	}
}

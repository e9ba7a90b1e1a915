package calc

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzEval checks the promises a public server relies on: no panic, every
// error a *Error with a message, a non-empty result otherwise, and a quick
// answer for any input. The seed corpus lives in testdata/fuzz/FuzzEval.
func FuzzEval(f *testing.F) {
	for _, s := range []string{"1+2", "2**-1", "round(2.5, 1)", "min(1, 2.0)", "-7//2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		start := time.Now()
		res, err := Eval(in)
		// Generous against scheduler noise and -race; real cost is ~5 ms max.
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("Eval(%q) took %v", in, d)
		}
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Eval(%q): error %T is not *Error", in, err)
			}
			if ce.Msg == "" || ce.Col < 0 {
				t.Fatalf("Eval(%q): bad error %#v", in, ce)
			}
			if !utf8.ValidString(ce.Error()) {
				t.Fatalf("Eval(%q): error message is not valid UTF-8: %q", in, ce.Error())
			}
			if res != "" {
				t.Fatalf("Eval(%q): result %q alongside error", in, res)
			}
			return
		}
		if res == "" {
			t.Fatalf("Eval(%q): empty result without error", in)
		}
	})
}

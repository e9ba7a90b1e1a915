package calc

import (
	"errors"
	"runtime"
	"testing"
	"unicode/utf8"
)

// Bounds on what one Eval may allocate, the measure of its work that does
// not depend on how busy the machine is (a wall-time bound wrote crashers
// nobody could reproduce). The most any input took when measured: 3.2 MB
// and 69 000 allocations (fill("1e300**0.1")); with the work budget removed,
// fill("9**31000") allocates 20 MB (in 65 ms: a wall-time bound of 250 ms
// did not see it).
const (
	maxEvalBytes   = 8 << 20
	maxEvalMallocs = 500_000
)

// evalCounted runs Eval and fails t if it allocated more than the bounds.
// (The counts are the process's: nothing else in this package's tests runs
// at the same time.)
func evalCounted(t *testing.T, in string) (string, error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := Eval(in)
	runtime.ReadMemStats(&after)
	if b, n := after.TotalAlloc-before.TotalAlloc, after.Mallocs-before.Mallocs; b > maxEvalBytes || n > maxEvalMallocs {
		t.Errorf("Eval(%.40q...) allocated %d KiB in %d allocations, over the bound of %d KiB and %d (err %v)",
			in, b>>10, n, maxEvalBytes>>10, maxEvalMallocs, err)
	}
	return res, err
}

// FuzzEval checks the promises a public server relies on: no panic, every
// error a *Error with a message, a non-empty result otherwise, and bounded
// work for any input (counted in allocations, never in wall time). The seed
// corpus lives in testdata/fuzz/FuzzEval.
func FuzzEval(f *testing.F) {
	for _, s := range []string{"1+2", "2**-1", "round(2.5, 1)", "min(1, 2.0)", "-7//2", fill("9**31000")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		res, err := evalCounted(t, in)
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

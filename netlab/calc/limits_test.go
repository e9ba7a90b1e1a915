package calc

import (
	"strings"
	"testing"
)

// fill repeats unit joined by "+" up to MaxInputLen, the most work an
// attacker can pack into one request.
func fill(unit string) string {
	n := MaxInputLen / (len(unit) + 1)
	return strings.Repeat(unit+"+", n-1) + unit
}

// TestHostileInputsAreFast: each of these must be refused (or answered)
// with bounded work, counted in allocations (see evalCounted); typical
// times are under 5 ms (BenchmarkEval* measure speed).
func TestHostileInputsAreFast(t *testing.T) {
	inputs := []string{
		"9**9**9", "10**10**10", "2**2**2**2**2**2", "(10**4000)**(10**4000)",
		"round(5, -10**9)", "round(3**63000, -30000)", "10.0**400",
		strings.Repeat("(", MaxInputLen/2) + "1" + strings.Repeat(")", MaxInputLen/2),
		strings.Repeat("-", MaxInputLen-1) + "1",
		strings.Repeat("1+", MaxInputLen/2-1) + "1",
		strings.Repeat("9", MaxInputLen),
		fill("9**31000"), fill("3**63000"), fill("(3**31500*3**31500)"),
		fill("3**63000//3**31000"), fill("3**63000%3**31499"), fill("3**63000/3**31499"),
		fill("round(3**63000,-15000)"), fill("max(3**63000,3**62999)"),
		fill("7**35000"), fill("1e300**0.1"), fill("1.0000001**1e300"),
		fill("(2**50000-1)*(2**49999+1)"),
	}
	for _, in := range inputs {
		evalCounted(t, in)
	}
}

func TestWorkBudgetMessage(t *testing.T) {
	_, err := Eval(fill("9**31000"))
	if err == nil || err.Error() != "calculation too expensive (work limit reached)" {
		t.Errorf("got %v", err)
	}
	// One maximal computation alone stays within the budget.
	if _, err := Eval("3**63000"); err != nil {
		t.Errorf("3**63000: %v", err)
	}
}

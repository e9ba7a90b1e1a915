package calc

import "testing"

// EvalLight agrees with Eval on everything light, and says heavy (without
// an answer) for what needs more than LightBudget.
func TestEvalLightAgreesOrSaysHeavy(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{"1+1", "2**100", "7/2", "1/0", "(", "2**99999 % 7", "9**31000+9**31000", "abs(-3)", "sqrt(2)"} {
		want, wantErr := Eval(expr)
		got, err, heavy := EvalLight(expr)
		if heavy {
			if expr == "1+1" || expr == "2**100" || expr == "7/2" {
				t.Errorf("%q called heavy", expr)
			}
			continue
		}
		if got != want || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Errorf("%q: light %q, %v; full %q, %v", expr, got, err, want, wantErr)
		}
	}
	if _, _, heavy := EvalLight("2**99999 % 7"); !heavy {
		t.Error("2**99999 % 7 not called heavy")
	}
}

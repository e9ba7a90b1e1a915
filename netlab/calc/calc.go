package calc

import "unicode/utf8"

// Eval parses and evaluates one expression and returns its result formatted
// as Python 3 would print it. Every error it returns is a *Error.
func Eval(expr string) (string, error) {
	s, err := eval(expr, workBudget)
	if err != nil {
		return "", err // a non-nil *Error: never a typed nil in the interface
	}
	return s, nil
}

// LightBudget is the work (in word operations) EvalLight allows: about a
// fortieth of the full budget, tens of microseconds.
const LightBudget = workBudget / 40

// EvalLight is Eval within LightBudget. Costs are charged before each
// expensive step, so an expression that needs more stops cheaply, before
// that step, and heavy reports it: the caller may then run Eval where heavy
// work waits its turn (the calculator server serves light requests first).
// When heavy is false, the result and error are exactly Eval's.
func EvalLight(expr string) (result string, err error, heavy bool) {
	s, e := eval(expr, LightBudget)
	if e != nil {
		if e.overLight {
			return "", nil, true
		}
		return "", e, false
	}
	return s, nil, false
}

func eval(expr string, limit int64) (string, *Error) {
	// Cheap checks first: length before anything touches the content.
	if len(expr) > MaxInputLen {
		return "", errf("request too long (limit %d bytes)", MaxInputLen)
	}
	if !utf8.ValidString(expr) {
		for i := 0; i < len(expr); {
			r, size := utf8.DecodeRuneInString(expr[i:])
			if r == utf8.RuneError && size == 1 {
				return "", errf("invalid UTF-8 at byte %d", i+1)
			}
			i += size
		}
	}
	tree, err := parse(tokenize([]rune(expr)))
	if err != nil {
		return "", err
	}
	ev := &evaluator{limit: limit}
	v, err := ev.eval(tree)
	if err != nil {
		return "", err
	}
	if v.isInt() {
		if err := ev.charge(formatCost(words(v.i))); err != nil {
			return "", err
		}
	}
	return format(v), nil
}

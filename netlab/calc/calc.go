package calc

import "unicode/utf8"

// Eval parses and evaluates one expression and returns its result formatted
// as Python 3 would print it. Every error it returns is a *Error.
func Eval(expr string) (string, error) {
	s, err := eval(expr)
	if err != nil {
		return "", err // a non-nil *Error: never a typed nil in the interface
	}
	return s, nil
}

func eval(expr string) (string, *Error) {
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
	ev := &evaluator{}
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

package calc

import (
	"math"
	"strconv"
	"strings"
)

// format prints a value as Python's repr() does.
func format(v value) string {
	if v.isInt() {
		return v.i.String()
	}
	return formatFloat(v.f)
}

// formatFloat reproduces Python's float repr: the shortest digits that
// round-trip (Go's -1 precision computes the same digits), fixed notation
// for decimal exponents in [-4, 16), scientific otherwise, and a ".0" on
// integral fixed values so a float never looks like an int.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	i := strings.LastIndexByte(e, 'e')
	exp, _ := strconv.Atoi(e[i+1:])
	if exp < -4 || exp >= 16 {
		// Go writes at least two exponent digits with a sign, like Python.
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}

package calc

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
)

type function struct {
	name     string
	example  string // shown when the name is used without a call
	min, max int    // argument count; max < 0 means unbounded
	call     func(ev *evaluator, args []value) (value, *Error)
}

var functions = map[string]*function{
	"abs":   {name: "abs", example: "abs(-3)", min: 1, max: 1, call: fnAbs},
	"round": {name: "round", example: "round(2.5) or round(3.14159, 2)", min: 1, max: 2, call: fnRound},
	"sqrt":  {name: "sqrt", example: "sqrt(2)", min: 1, max: 1, call: fnSqrt},
	"min":   {name: "min", example: "min(3, 1, 2)", min: 1, max: -1, call: fnMin},
	"max":   {name: "max", example: "max(3, 1, 2)", min: 1, max: -1, call: fnMax},
}

func lookupFunc(name string) *function { return functions[name] }

func plural(n int) string {
	if n == 1 {
		return "argument"
	}
	return "arguments"
}

func (f *function) checkArity(n int) *Error {
	var want string
	switch {
	case f.min == f.max && n != f.min:
		want = fmt.Sprintf("exactly %d %s", f.min, plural(f.min))
	case f.max < 0 && n < f.min:
		want = fmt.Sprintf("at least %d %s", f.min, plural(f.min))
	case f.max > f.min && (n < f.min || n > f.max):
		want = fmt.Sprintf("%d or %d arguments", f.min, f.max)
	default:
		return nil
	}
	return errf("%s() takes %s (%d given)", f.name, want, n)
}

func fnAbs(_ *evaluator, args []value) (value, *Error) {
	a := args[0]
	if a.isInt() {
		return intVal(new(big.Int).Abs(a.i)), nil
	}
	return floatVal(math.Abs(a.f)), nil
}

// fnSqrt is Python's math.sqrt: ints are converted to float first (so huge
// ints fail), and negative input is a domain error, not NaN.
func fnSqrt(_ *evaluator, args []value) (value, *Error) {
	f, err := args[0].toFloat()
	if err != nil {
		return value{}, err
	}
	if f < 0 {
		return value{}, errDomain()
	}
	return floatVal(math.Sqrt(f)), nil
}

func fnMin(_ *evaluator, args []value) (value, *Error) { return pick(args, -1), nil }
func fnMax(_ *evaluator, args []value) (value, *Error) { return pick(args, 1), nil }

// pick mirrors CPython's min/max loop: keep the first best and replace it
// only on a strict improvement, which fixes how NaN and ties behave.
func pick(args []value, want int) value {
	best := args[0]
	for _, v := range args[1:] {
		if c, ok := compare(v, best); ok && c == want {
			best = v
		}
	}
	return best
}

func fnRound(ev *evaluator, args []value) (value, *Error) {
	x := args[0]
	if len(args) == 1 {
		if x.isInt() {
			return x, nil
		}
		return floatToInt(math.RoundToEven(x.f))
	}
	nd := args[1]
	if !nd.isInt() {
		return value{}, errf("round() needs a whole number of digits, not %s", formatFloat(nd.f))
	}
	if x.isInt() {
		return ev.roundInt(x.i, nd.i)
	}
	return roundFloat(x.f, nd.i)
}

// floatToInt is Python's int(float) for an already integral float.
func floatToInt(f float64) (value, *Error) {
	switch {
	case math.IsNaN(f):
		return value{}, errf("cannot convert float NaN to integer")
	case math.IsInf(f, 0):
		return value{}, errf("cannot convert float infinity to integer")
	}
	n, _ := new(big.Float).SetFloat64(f).Int(nil)
	return intVal(n), nil
}

// roundInt rounds to a multiple of 10**-nd, half to even, like Python's
// int.__round__. Python would compute 10**-nd even when it dwarfs x (and
// hang on round(1, -10**9)); such results are 0, so we return at once.
func (ev *evaluator) roundInt(x, nd *big.Int) (value, *Error) {
	if nd.Sign() >= 0 {
		return intVal(x), nil
	}
	// |x| < 10**digits with digits <= bitlen*log10(2)+1; once 10**m > 2|x|
	// the result is 0.
	digits := int64(float64(x.BitLen())*math.Log10(2)) + 1
	m := new(big.Int).Neg(nd)
	if !m.IsInt64() || m.Int64() > digits+1 {
		return int64Val(0), nil
	}
	ten := big.NewInt(10)
	p := new(big.Int).Exp(ten, m, nil)
	if err := ev.charge(powCost(int64(p.BitLen()/64+1)) + divCost(words(x), words(p))); err != nil {
		return value{}, err
	}
	q, r := floorDivMod(x, p)
	c := new(big.Int).Lsh(r, 1).Cmp(p)
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return checkBits(q.Mul(q, p))
}

// roundFloat is Python's float.__round__(nd): the exact binary value
// rounded half-to-even at the decimal position, which is what C's dtoa in
// CPython computes (so round(2.675, 2) is 2.67, since 2.675 is really
// 2.67499999...).
func roundFloat(x float64, nd *big.Int) (value, *Error) {
	// CPython's NDIGITS_MAX and NDIGITS_MIN: beyond them the answer is x or 0.
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return floatVal(x), nil
	case nd.Cmp(big.NewInt(323)) > 0:
		return floatVal(x), nil
	case nd.Cmp(big.NewInt(-308)) < 0:
		return floatVal(0 * x), nil
	}
	n := int(nd.Int64())
	if n >= 0 {
		// FormatFloat with a precision rounds the exact value half to even.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', n, 64), 64)
		return floatVal(f), nil
	}
	r := new(big.Rat).SetFloat64(x)
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-n)), nil)
	den := new(big.Int).Mul(r.Denom(), p)
	q, rem := floorDivMod(r.Num(), den)
	c := new(big.Int).Lsh(rem, 1).Cmp(den)
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	if q.Sign() == 0 {
		return floatVal(math.Copysign(0, x)), nil
	}
	f, _ := q.Mul(q, p).Float64()
	if math.IsInf(f, 0) {
		return value{}, errTooLarge()
	}
	return floatVal(f), nil
}

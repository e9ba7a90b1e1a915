package calc

import (
	"math"
	"math/big"
)

// value is a Python int (i != nil) or float (i == nil, f holds it).
// Values are never mutated after creation, so *big.Int can be shared.
type value struct {
	i *big.Int
	f float64
}

func intVal(i *big.Int) value  { return value{i: i} }
func floatVal(f float64) value { return value{f: f} }
func int64Val(n int64) value   { return intVal(big.NewInt(n)) }
func (v value) isInt() bool    { return v.i != nil }
func (v value) isFloat() bool  { return v.i == nil }

// maxBits bounds every integer result. 100 000 bits is about 30 100 decimal
// digits: plenty for a teaching calculator, and small enough that the
// operations and the final decimal formatting take well under a
// millisecond.
const maxBits = 100_000

// toFloat converts like Python's float(int): correctly rounded, and an error
// rather than inf when the int is out of range.
func (v value) toFloat() (float64, *Error) {
	if v.isFloat() {
		return v.f, nil
	}
	if v.i.BitLen() <= 53 {
		return float64(v.i.Int64()), nil
	}
	f, _ := v.i.Float64()
	if math.IsInf(f, 0) {
		return 0, errIntToFloat()
	}
	return f, nil
}

func checkBits(n *big.Int) (value, *Error) {
	if n.BitLen() > maxBits {
		return value{}, errTooLarge()
	}
	return intVal(n), nil
}

// floorDivMod gives Python's // and % for ints: the quotient rounds toward
// minus infinity, so the remainder takes the sign of the divisor.
// (big.Int's Div/Mod are Euclidean and QuoRem truncates; neither matches.)
func floorDivMod(a, b *big.Int) (q, r *big.Int) {
	q, r = new(big.Int).QuoRem(a, b, new(big.Int))
	if r.Sign() != 0 && (r.Sign() < 0) != (b.Sign() < 0) {
		q.Sub(q, big.NewInt(1))
		r.Add(r, b)
	}
	return q, r
}

// floatMod and floatFloorDiv follow CPython's float_rem / float_divmod,
// including the signs of zero results.
func floatMod(x, y float64) float64 {
	mod := math.Mod(x, y)
	if mod != 0 {
		if (y < 0) != (mod < 0) {
			mod += y
		}
	} else {
		mod = math.Copysign(0, y)
	}
	return mod
}

func floatFloorDiv(x, y float64) float64 {
	mod := math.Mod(x, y)
	div := (x - mod) / y
	if mod != 0 {
		if (y < 0) != (mod < 0) {
			div -= 1.0
		}
	}
	if div != 0 {
		floordiv := math.Floor(div)
		if div-floordiv > 0.5 {
			floordiv += 1.0
		}
		return floordiv
	}
	return math.Copysign(0, x/y)
}

// intTrueDiv is Python's int / int: the exact quotient correctly rounded to
// a float (round-half-even), also when the operands are far beyond float
// range, and also for subnormal results. It mirrors the approach of
// CPython's long_true_divide: compute an integer quotient with a couple of
// extra bits, then round once.
func intTrueDiv(a, b *big.Int) (float64, *Error) {
	if b.Sign() == 0 {
		return 0, errDivZero()
	}
	neg := (a.Sign() < 0) != (b.Sign() < 0)
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	if a.Sign() == 0 {
		return sign(0), nil
	}
	// Both exactly representable: one IEEE division is correctly rounded.
	if a.BitLen() <= 53 && b.BitLen() <= 53 {
		return float64(a.Int64()) / float64(b.Int64()), nil
	}
	x := new(big.Int).Abs(a)
	y := new(big.Int).Abs(b)
	diff := x.BitLen() - y.BitLen() // x/y lies in [2^(diff-1), 2^(diff+1))
	if diff-1 >= 1024 {
		return 0, errTooLarge()
	}
	if diff+1 <= -1075 { // below half the smallest subnormal: rounds to 0
		return sign(0), nil
	}
	// Scale so that the integer quotient has at least 55 bits: 53 for the
	// mantissa, one guard bit, and the remainder acts as the sticky bit.
	k := 55 - diff
	if k >= 0 {
		x.Lsh(x, uint(k))
	} else {
		y.Lsh(y, uint(-k))
	}
	q, rem := x.QuoRem(x, y, new(big.Int))
	sticky := rem.Sign() != 0
	// The value is q·2^-k (plus a fraction); its leading bit has exponent
	// n-1-k. Keep 53 bits, or fewer where the result is subnormal.
	n := q.BitLen()
	ulpExp := max(n-1-k-52, -1074)
	drop := uint(ulpExp + k) // >= 2 by the choice of k
	half := new(big.Int).Lsh(big.NewInt(1), drop-1)
	low := new(big.Int).And(q, new(big.Int).Sub(new(big.Int).Lsh(half, 1), big.NewInt(1)))
	m := new(big.Int).Rsh(q, drop)
	c := low.Cmp(half)
	if c > 0 || (c == 0 && (sticky || m.Bit(0) == 1)) {
		m.Add(m, big.NewInt(1))
	}
	f := math.Ldexp(float64(m.Uint64()), ulpExp)
	if math.IsInf(f, 0) {
		return 0, errTooLarge()
	}
	return sign(f), nil
}

// compare orders two values exactly, as Python does for mixed int/float
// (no rounding of the int). ok is false when a NaN makes them unordered.
func compare(a, b value) (c int, ok bool) {
	if a.isInt() && b.isInt() {
		return a.i.Cmp(b.i), true
	}
	if a.isFloat() && b.isFloat() {
		switch {
		case math.IsNaN(a.f) || math.IsNaN(b.f):
			return 0, false
		case a.f < b.f:
			return -1, true
		case a.f > b.f:
			return 1, true
		}
		return 0, true
	}
	if a.isInt() {
		c, ok := compare(b, a)
		return -c, ok
	}
	// a float, b int
	switch {
	case math.IsNaN(a.f):
		return 0, false
	case math.IsInf(a.f, 1):
		return 1, true
	case math.IsInf(a.f, -1):
		return -1, true
	}
	fa := new(big.Float).SetFloat64(a.f) // exact
	fb := new(big.Float).SetInt(b.i)     // exact: precision grows to fit
	return fa.Cmp(fb), true
}

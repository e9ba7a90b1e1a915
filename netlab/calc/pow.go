package calc

import (
	"math"
	"math/big"
)

// pow is Python's ** on two values.
func (ev *evaluator) pow(a, b value) (value, *Error) {
	if a.isInt() && b.isInt() {
		if b.i.Sign() >= 0 {
			return ev.intPow(a.i, b.i)
		}
		// Python: int ** negative int is computed in floats.
	}
	x, err := a.toFloat()
	if err != nil {
		return value{}, err
	}
	y, err := b.toFloat()
	if err != nil {
		return value{}, err
	}
	f, err := floatPow(x, y)
	if err != nil {
		return value{}, err
	}
	return floatVal(f), nil
}

// intPow refuses results over maxBits from a lower bound on their size
// before computing anything, so 9**9**9 fails in microseconds instead of
// grinding through gigabytes.
func (ev *evaluator) intPow(base, exp *big.Int) (value, *Error) {
	switch {
	case exp.Sign() == 0:
		return int64Val(1), nil
	case base.Sign() == 0:
		return int64Val(0), nil
	case base.IsInt64() && (base.Int64() == 1 || base.Int64() == -1):
		if base.Int64() == -1 && exp.Bit(0) == 1 {
			return int64Val(-1), nil
		}
		return int64Val(1), nil
	}
	if exp.BitLen() > 32 {
		return value{}, errTooLarge()
	}
	n := exp.Int64()
	// |base| >= 2, so |base|**n >= 2**((bitlen-1)*n).
	if int64(base.BitLen()-1)*n+1 > maxBits {
		return value{}, errTooLarge()
	}
	// The result has at most bitlen*n <= 2*maxBits bits.
	resWords := (int64(base.BitLen())*n + 63) / 64
	if err := ev.charge(powCost(resWords)); err != nil {
		return value{}, err
	}
	return checkBits(new(big.Int).Exp(base, exp, nil))
}

func isOddInteger(y float64) bool { return math.Mod(math.Abs(y), 2) == 1 }

// floatPow follows CPython's float_pow case by case, because C's pow and
// Go's math.Pow disagree with Python on several special values (and Python
// raises where C returns inf).
func floatPow(x, y float64) (float64, *Error) {
	switch {
	case y == 0:
		return 1, nil
	case math.IsNaN(x):
		return x, nil
	case math.IsNaN(y):
		if x == 1 {
			return 1, nil
		}
		return y, nil
	case math.IsInf(y, 0):
		ax := math.Abs(x)
		switch {
		case ax == 1:
			return 1, nil
		case (y > 0) == (ax > 1):
			return math.Inf(1), nil
		}
		return 0, nil
	case math.IsInf(x, 0):
		odd := isOddInteger(y)
		if y > 0 {
			if odd {
				return x, nil
			}
			return math.Abs(x), nil
		}
		if odd {
			return math.Copysign(0, x), nil
		}
		return 0, nil
	case x == 0:
		if y < 0 {
			return 0, errDivZero()
		}
		if isOddInteger(y) {
			return x, nil
		}
		return 0, nil
	}
	negate := false
	if x < 0 {
		if y != math.Floor(y) {
			return 0, errf("negative number cannot be raised to a fractional power")
		}
		x = -x
		negate = isOddInteger(y)
	}
	var r float64
	switch {
	case x == 1:
		r = 1
	case y == math.Floor(y):
		r = powIntegral(x, y)
	default:
		r = powFrac(x, y)
	}
	if math.IsInf(r, 0) {
		// Python: OverflowError (34, 'Numerical result out of range').
		return 0, errTooLarge()
	}
	if negate {
		r = -r
	}
	return r, nil
}

// powIntegral computes x**y for finite x > 0, x != 1 and integral y != 0
// by repeated squaring in 128-bit big.Float arithmetic. The error after at
// most ~130 roundings is far below half a float64 ulp, so the result is the
// correctly rounded one (as from CPython's libm) except in astronomically
// rare near-ties; math.Pow is often 1 ulp off for large exponents.
func powIntegral(x, y float64) float64 {
	const prec = 128
	k := uint64(1) << 63
	if a := math.Abs(y); a < 1<<63 {
		// Beyond 2**63 any |x| != 1 over- or underflows anyway, and y is
		// even there, so clamping keeps the outcome.
		k = uint64(a)
	}
	base := new(big.Float).SetPrec(prec).SetFloat64(x)
	acc := new(big.Float).SetPrec(prec).SetInt64(1)
	for k > 0 {
		if k&1 == 1 {
			acc.Mul(acc, base)
		}
		k >>= 1
		if k > 0 {
			base.Mul(base, base)
		}
		// big.Float turns exponent overflow into ±Inf and underflow into 0,
		// and since |x| != 1 all powers move the same way: never 0·Inf.
	}
	if y < 0 {
		acc.Quo(new(big.Float).SetPrec(prec).SetInt64(1), acc)
	}
	f, _ := acc.Float64()
	return f
}

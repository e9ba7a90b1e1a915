package calc

import (
	"math"
	"math/big"
)

// Go's math.Pow computes fractional powers as Exp(y·Log(x)) in float64 and
// can be dozens of ulps off (1e300**0.1), while CPython's C library is
// nearly always correctly rounded. Students compare with their Python REPL,
// so fractional powers are computed here with ~140-bit logarithm and
// exponential series, which is correctly rounded except in astronomically
// rare near-ties, and still costs only microseconds.

const bigPrec = 140

func newF() *big.Float { return new(big.Float).SetPrec(bigPrec) }

// ln2 = 2·atanh(1/3).
var ln2 = func() *big.Float {
	third := newF().Quo(newF().SetInt64(1), newF().SetInt64(3))
	a := atanh(third)
	return a.Add(a, a)
}()

// atanh sums t + t³/3 + t⁵/5 + ... for small |t|.
func atanh(t *big.Float) *big.Float {
	t2 := newF().Mul(t, t)
	term := newF().Set(t)
	sum := newF().Set(t)
	add := newF()
	for k := int64(3); k < 1000; k += 2 {
		term.Mul(term, t2)
		add.Quo(term, newF().SetInt64(k))
		if add.Sign() == 0 || add.MantExp(nil) < sum.MantExp(nil)-bigPrec-4 {
			break
		}
		sum.Add(sum, add)
	}
	return sum
}

// bigLog returns ln(x) for finite x > 0.
func bigLog(x float64) *big.Float {
	m, e := math.Frexp(x) // x = m·2^e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	// m in [0.707, 1.414): t = (m-1)/(m+1) <= 0.172, fast convergence.
	mf := newF().SetFloat64(m)
	num := newF().Sub(mf, newF().SetInt64(1))
	den := newF().Add(mf, newF().SetInt64(1))
	l := atanh(num.Quo(num, den))
	l.Add(l, l)
	return l.Add(l, newF().Mul(ln2, newF().SetInt64(int64(e))))
}

// bigExp returns e**z; the caller keeps |z| modest (a few thousand).
func bigExp(z *big.Float) *big.Float {
	kf, _ := newF().Quo(z, ln2).Float64()
	k := int(math.Round(kf))
	r := newF().Sub(z, newF().Mul(ln2, newF().SetInt64(int64(k))))
	// Shrink r further so the Taylor series converges in a few terms, then
	// square the result back up.
	const halvings = 8
	r.SetMantExp(r, -halvings)
	sum := newF().SetInt64(1)
	term := newF().SetInt64(1)
	for i := int64(1); i < 100; i++ {
		term.Mul(term, r)
		term.Quo(term, newF().SetInt64(i))
		if term.Sign() == 0 || term.MantExp(nil) < -bigPrec-4 {
			break
		}
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, k)
}

// powFrac is x**y for finite x > 0, x != 1 and finite non-integral y.
func powFrac(x, y float64) float64 {
	if y == 0.5 {
		return math.Sqrt(x) // exact where it should be, e.g. 4**0.5
	}
	z := bigLog(x)
	z.Mul(z, newF().SetFloat64(y))
	// e**±800 is already beyond float64 range (including subnormals).
	if zf, _ := z.Float64(); zf > 800 {
		return math.Inf(1)
	} else if zf < -800 {
		return 0
	}
	f, _ := bigExp(z).Float64()
	return f
}

package calc

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestIntegralPowCorrectlyRounded checks x**n for float x and integer n
// against exact rational arithmetic, rounded once: socklab's result is the
// correctly rounded one. (CPython calls the C library's pow(), which can be
// one ulp off: 300219.6283456497 ** -9 is 5.047173720142511e-50 exactly
// rounded, and Python prints ...512e-50.)
func TestIntegralPowCorrectlyRounded(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 9))
	cases := [][2]float64{{300219.6283456497, -9}}
	for range 2000 {
		x := rng.Float64() * math.Pow(10, float64(rng.IntN(12)-4))
		n := float64(rng.IntN(31) - 15)
		if x == 0 || n == 0 {
			continue
		}
		cases = append(cases, [2]float64{x, n})
	}
	for _, c := range cases {
		x, n := c[0], c[1]
		got := powIntegral(x, n)
		exact := new(big.Rat).SetFloat64(x)
		p := new(big.Rat).SetInt64(1)
		for range int(math.Abs(n)) {
			p.Mul(p, exact)
		}
		if n < 0 {
			p.Inv(p)
		}
		want, _ := p.Float64() // the nearest float64: rounded once
		if got != want && !(math.IsInf(want, 0) && math.IsInf(got, 0)) && !(want == 0 && got == 0) {
			t.Errorf("%s ** %v = %s, correctly rounded %s", strconv.FormatFloat(x, 'g', -1, 64), n,
				strconv.FormatFloat(got, 'g', -1, 64), strconv.FormatFloat(want, 'g', -1, 64))
		}
	}
}

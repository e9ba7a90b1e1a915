package calc

import (
	"strings"
	"testing"
)

var benchExprs = []struct{ name, expr string }{
	{"int", "1+2*3"},
	{"float", "(0.1+0.2)*3.5/7"},
	{"mixed", "-7//2 + 7.5 % 2 - 2**-1"},
	{"funcs", "round(sqrt(2)*100, 2) + max(1, 2.5, abs(-3))"},
	{"fracpow", "1e300**0.1"},
	{"bigint", "2**100 * 3**50"},
	{"longchain", strings.Repeat("1+", 200) + "1"},
	{"worst_work", strings.Repeat("9**31000+", 455) + "1"},
}

func BenchmarkEval(b *testing.B) {
	for _, bc := range benchExprs {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				Eval(bc.expr)
			}
		})
	}
}

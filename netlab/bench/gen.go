package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/socklab/socklab/netlab/service"
)

// request is one request of the closed loop and the reply it must get.
type request struct {
	data []byte // what is sent, newline included for calc
	want []byte // the exact reply, newline included for calc
}

// calcPool returns n calculator requests and their answers. The answers come
// from netlab.Answer, the server's own reply function, computed before the
// run: the check is exact, and evaluating during the run would take CPU from
// the server being measured on a 2-core machine.
func calcPool(seed uint64, n int) []request {
	r := rand.New(rand.NewPCG(seed, 0x50c4))
	out := make([]request, n)
	for i := range out {
		line := calcExpr(r)
		want, _ := service.Answer([]byte(line))
		out[i] = request{data: []byte(line + "\n"), want: append(want, '\n')}
	}
	return out
}

// calcExpr makes a small random expression that exercises every operator,
// big integers, floats, errors (division by zero) and the functions.
func calcExpr(r *rand.Rand) string {
	var b strings.Builder
	term := func() {
		switch r.IntN(8) {
		case 0:
			fmt.Fprintf(&b, "%d.%d", r.IntN(1000), r.IntN(100))
		case 1:
			fmt.Fprintf(&b, "(%d%s%d)", r.IntN(100)-50, pick(r, "+", "-", "*"), r.IntN(100))
		case 2:
			fmt.Fprintf(&b, "%s(%d, %d)", pick(r, "min", "max"), r.IntN(1000)-500, r.IntN(1000))
		case 3:
			fmt.Fprintf(&b, "%d**%d", r.IntN(20)+2, r.IntN(40))
		case 4:
			fmt.Fprintf(&b, "%s(%d)", pick(r, "abs", "sqrt", "round"), r.IntN(10000))
		default:
			fmt.Fprintf(&b, "%d", r.IntN(100000))
		}
	}
	term()
	for range r.IntN(4) {
		b.WriteString(pick(r, " + ", " - ", " * ", " / ", " // ", " % ", "^"))
		if b.String()[b.Len()-1] == '^' {
			fmt.Fprintf(&b, "%d", r.IntN(5))
			continue
		}
		term()
	}
	return b.String()
}

func pick(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

// echoFill writes a payload that differs from one request to the next, so a
// stale or misplaced reply cannot pass for the right one.
func echoFill(p []byte, seq uint64) {
	for i := range p {
		p[i] = byte(seq) + byte(i)*7
	}
}

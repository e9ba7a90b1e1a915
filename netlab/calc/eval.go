package calc

import (
	"math/big"
)

// evaluator carries the work budget of one Eval call.
//
// Bounding each integer at maxBits is not enough on its own: an expression
// can repeat a maximal computation hundreds of times within MaxInputLen
// (e.g. "9**31000+9**31000+..."). So every big-integer operation is charged
// an estimate of its cost in machine-word operations before it runs, and
// the evaluation stops when the total exceeds workBudget.
type evaluator struct {
	work  int64
	limit int64 // workBudget, or less for a first, light attempt
}

// workBudget is in word operations as estimated by the *Cost functions
// below; it is sized so that exhausting it takes a few milliseconds.
const workBudget = 4_000_000

func (ev *evaluator) charge(cost int64) *Error {
	ev.work += cost
	if ev.limit > 0 && ev.limit < workBudget && ev.work > ev.limit {
		return errOverLight()
	}
	if ev.work > workBudget {
		return errTooMuchWork()
	}
	return nil
}

func words(x *big.Int) int64 { return int64(x.BitLen()+63)/64 + 1 }

// mulCost estimates a multiplication of a- and b-word numbers. Go switches
// to Karatsuba (n^1.585) above 40 words; the estimate follows that shape so
// that honest large products are not overcharged.
func mulCost(a, b int64) int64 {
	if a > b {
		a, b = b, a
	}
	if a < 40 {
		return a * b
	}
	// b/a Karatsuba products of a×a words each; the factor 2 is measured
	// (Karatsuba's additions and allocations).
	k := int64(2)
	for n := a; n > 1; n = (n + 1) / 2 {
		k *= 3
	}
	return (b/a + 1) * k
}

// powCost: repeated squaring costs roughly twice the final squaring.
func powCost(resultWords int64) int64 {
	h := resultWords/2 + 1
	return 2*mulCost(h, h) + resultWords
}

// formatCost is decimal conversion of the result, which for large ints is
// several times dearer than a multiplication of the same size.
func formatCost(w int64) int64 { return 6*mulCost(w/2+1, w/2+1) + w }

func divCost(a, b int64) int64 {
	q := max(a-b+1, 1)
	return 2*mulCost(q, b) + a // Go's recursive division: about two products
}

func (ev *evaluator) eval(n *node) (value, *Error) {
	switch n.kind {
	case nNum:
		return n.val, nil
	case nPos, nNeg:
		v, err := ev.eval(n.x)
		if err != nil {
			return value{}, err
		}
		if n.kind == nPos {
			return v, nil
		}
		if v.isInt() {
			return intVal(new(big.Int).Neg(v.i)), nil
		}
		return floatVal(-v.f), nil
	case nBin:
		a, err := ev.eval(n.x)
		if err != nil {
			return value{}, err
		}
		b, err := ev.eval(n.y)
		if err != nil {
			return value{}, err
		}
		return ev.binary(n.op, a, b)
	case nCall:
		args := make([]value, len(n.args))
		for i, k := range n.args {
			v, err := ev.eval(k)
			if err != nil {
				return value{}, err
			}
			args[i] = v
		}
		return n.fn.call(ev, args)
	}
	panic("calc: unknown node kind")
}

func (ev *evaluator) binary(op tokKind, a, b value) (value, *Error) {
	if op == tPow {
		return ev.pow(a, b)
	}
	if a.isInt() && b.isInt() {
		return ev.intBinary(op, a.i, b.i)
	}
	// Mixed arithmetic: Python converts the int to float (and raises if it
	// does not fit).
	x, err := a.toFloat()
	if err != nil {
		return value{}, err
	}
	y, err := b.toFloat()
	if err != nil {
		return value{}, err
	}
	switch op {
	case tPlus:
		return floatVal(x + y), nil
	case tMinus:
		return floatVal(x - y), nil
	case tStar:
		// Overflow gives inf, as in Python (1e308*10 is inf).
		return floatVal(x * y), nil
	}
	if y == 0 {
		return value{}, errDivZero()
	}
	switch op {
	case tSlash:
		return floatVal(x / y), nil
	case tFloorDiv:
		return floatVal(floatFloorDiv(x, y)), nil
	case tMod:
		return floatVal(floatMod(x, y)), nil
	}
	panic("calc: unknown operator")
}

func (ev *evaluator) intBinary(op tokKind, x, y *big.Int) (value, *Error) {
	switch op {
	case tPlus, tMinus:
		if err := ev.charge(max(words(x), words(y))); err != nil {
			return value{}, err
		}
		if op == tPlus {
			return checkBits(new(big.Int).Add(x, y))
		}
		return checkBits(new(big.Int).Sub(x, y))
	case tStar:
		// The product has at least bitlen(x)+bitlen(y)-1 bits: refuse
		// before multiplying.
		if x.Sign() != 0 && y.Sign() != 0 && x.BitLen()+y.BitLen()-1 > maxBits {
			return value{}, errTooLarge()
		}
		if err := ev.charge(mulCost(words(x), words(y))); err != nil {
			return value{}, err
		}
		return checkBits(new(big.Int).Mul(x, y))
	}
	if y.Sign() == 0 {
		return value{}, errDivZero()
	}
	if err := ev.charge(divCost(words(x), words(y))); err != nil {
		return value{}, err
	}
	switch op {
	case tSlash:
		f, err := intTrueDiv(x, y)
		if err != nil {
			return value{}, err
		}
		return floatVal(f), nil
	case tFloorDiv:
		q, _ := floorDivMod(x, y)
		return intVal(q), nil
	case tMod:
		_, r := floorDivMod(x, y)
		return intVal(r), nil
	}
	panic("calc: unknown operator")
}

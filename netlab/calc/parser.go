package calc

type nodeKind int

const (
	nNum nodeKind = iota
	nNeg
	nPos
	nBin
	nCall
)

// node is the parsed expression. Parsing completes before anything is
// evaluated so that, as in Python, a syntax error anywhere is reported in
// preference to an arithmetic error earlier in the line.
type node struct {
	kind nodeKind
	op   tokKind // for nBin
	col  int
	val  value     // for nNum
	fn   *function // for nCall
	x, y *node     // operands of nBin; x alone for nNeg and nPos
	args []*node   // for nCall
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) advance() token {
	t := p.toks[p.pos]
	if t.kind != tEOF && t.kind != tBad {
		p.pos++
	}
	return t
}

func unexpected(t token) *Error {
	if t.kind == tBad {
		return t.err
	}
	if t.kind == tEOF {
		return errf("unexpected end of expression")
	}
	return errAt(t.col, "unexpected %s", t.describe())
}

func tooDeep(col int) *Error {
	return errAt(col, "nesting too deep (limit %d)", MaxDepth)
}

// parse implements Python's expression grammar restricted to arithmetic:
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/" | "//" | "%") unary }
//	unary   = { "+" | "-" } power
//	power   = primary [ "**" unary ]
//	primary = number | "(" expr ")" | name "(" [ expr { "," expr } [","] ] ")"
//
// Every recursive descent passes a depth and checks it against MaxDepth
// before recursing, so the Go stack stays small whatever the input.
func parse(toks []token) (*node, *Error) {
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, errf("empty expression")
	}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, unexpected(t)
	}
	return n, nil
}

func (p *parser) expr(depth int) (*node, *Error) {
	left, err := p.term(depth)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tPlus && t.kind != tMinus {
			return left, nil
		}
		p.advance()
		right, err := p.term(depth)
		if err != nil {
			return nil, err
		}
		left = &node{kind: nBin, op: t.kind, col: t.col, x: left, y: right}
	}
}

func (p *parser) term(depth int) (*node, *Error) {
	left, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch t.kind {
		case tStar, tSlash, tFloorDiv, tMod:
		default:
			return left, nil
		}
		p.advance()
		right, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		left = &node{kind: nBin, op: t.kind, col: t.col, x: left, y: right}
	}
}

// unary reads a run of signs in a loop rather than by recursion; each sign
// still counts as one nesting level, as the evaluator recurses through them.
func (p *parser) unary(depth int) (*node, *Error) {
	var signs []token
	for {
		t := p.peek()
		if t.kind != tPlus && t.kind != tMinus {
			break
		}
		if depth+len(signs)+1 > MaxDepth {
			return nil, tooDeep(t.col)
		}
		signs = append(signs, p.advance())
	}
	n, err := p.power(depth + len(signs))
	if err != nil {
		return nil, err
	}
	for i := len(signs) - 1; i >= 0; i-- {
		k := nNeg
		if signs[i].kind == tPlus {
			k = nPos
		}
		n = &node{kind: k, col: signs[i].col, x: n}
	}
	return n, nil
}

// power handles "**" (right-associative, and binding tighter than a unary
// minus on its left: -3**2 is -(3**2)). The exponent is a unary, so
// 2**-1 works. A chain like 2**2**2**... recurses through unary, which
// counts only the signs, so each "**" adds one level here too.
func (p *parser) power(depth int) (*node, *Error) {
	base, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind != tPow {
		return base, nil
	}
	if depth+1 > MaxDepth {
		return nil, tooDeep(t.col)
	}
	p.advance()
	exp, err := p.unary(depth + 1)
	if err != nil {
		return nil, err
	}
	return &node{kind: nBin, op: tPow, col: t.col, x: base, y: exp}, nil
}

func (p *parser) primary(depth int) (*node, *Error) {
	t := p.advance()
	switch t.kind {
	case tNum:
		return &node{kind: nNum, col: t.col, val: t.val}, nil
	case tLParen:
		if depth+1 > MaxDepth {
			return nil, tooDeep(t.col)
		}
		inner, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.closeParen(t); err != nil {
			return nil, err
		}
		return inner, nil
	case tName:
		return p.call(t, depth)
	}
	return nil, unexpected(t)
}

func (p *parser) closeParen(open token) *Error {
	switch t := p.peek(); t.kind {
	case tRParen:
		p.advance()
		return nil
	case tEOF:
		return errAt(open.col, "missing ')' to match the '('")
	default:
		return unexpected(t)
	}
}

func (p *parser) call(name token, depth int) (*node, *Error) {
	fn := lookupFunc(name.text)
	if fn == nil {
		return nil, errAt(name.col, "unknown name '%s'", clip(name.text))
	}
	open := p.peek()
	if open.kind != tLParen {
		return nil, errAt(name.col, "'%s' is a function; call it like %s", fn.name, fn.example)
	}
	if depth+1 > MaxDepth {
		return nil, tooDeep(open.col)
	}
	p.advance()
	n := &node{kind: nCall, col: name.col, fn: fn}
	for p.peek().kind != tRParen && p.peek().kind != tEOF {
		arg, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		n.args = append(n.args, arg)
		if p.peek().kind != tComma {
			break
		}
		p.advance() // Python allows a trailing comma: max(1, 2,)
	}
	if err := p.closeParen(open); err != nil {
		return nil, err
	}
	if err := fn.checkArity(len(n.args)); err != nil {
		err.Col = name.col
		return nil, err
	}
	return n, nil
}

// Package rules is the language of a lesson's expectations, predictions
// and explanations: small boolean rules over what the kernel answered
// (client.connect.port != server.bind.port). It parses a rule once, checks
// its references against the lesson vocabulary (calls and fields) and
// misspelt TCP states before anything runs, and evaluates it against an
// Env that looks references up in recorded events. It knows nothing of
// sockets itself.
package rules

import (
	"github.com/socklab/socklab/netlab/event"

	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Expr is a rule over recorded outcomes:
//
//	client.connect.port != server.bind.port
//	low.bind.ok || low.bind.errno == EACCES
//	!client.connect.blocked
//
// Operands are references ACTOR.CALL.FIELD (ACTOR.CALL alone means
// ACTOR.CALL.ok), integers, "quoted strings", true/false and bare names
// (EADDRINUSE, ESTABLISHED). Operators: == != < <= > >= has (text
// contains) && || ! and parentheses.
type Expr interface {
	Eval(Env) (Value, error)
	Refs() []Ref
}

// Ref names one field of the latest outcome of ACTOR's CALL.
type Ref struct {
	Actor, Call, Field string
}

func (r Ref) String() string { return r.Actor + "." + r.Call + "." + r.Field }

// Env resolves references while a rule is evaluated.
type Env interface {
	Lookup(Ref) (Value, error)
}

// Value is an integer, a string or a boolean (stored as a string "true"/"false").
type Value struct {
	s     string
	n     int64
	isNum bool
	isB   bool
	b     bool
}

// Num, Str and Bool make values.
func Num(n int64) Value  { return Value{n: n, isNum: true, s: strconv.FormatInt(n, 10)} }
func Str(s string) Value { return Value{s: s} }
func Bool(b bool) Value  { return Value{b: b, isB: true, s: strconv.FormatBool(b)} }

func (v Value) String() string { return v.s }

// IsBool reports whether v is true or false (not a number or text).
func (v Value) IsBool() bool { return v.isB }

// IsText reports whether v is text (neither a number nor a boolean).
func (v Value) IsText() bool { return !v.isNum && !v.isB }

// True reports whether v is the boolean true.
func (v Value) True() bool { return v.isB && v.b }

// Truth is v as a condition: an error when v is not a boolean.
func (v Value) Truth() (bool, error) {
	if v.isB {
		return v.b, nil
	}
	return false, fmt.Errorf("%q is not true or false", v.s)
}

type refExpr struct{ r Ref }
type litExpr struct{ v Value }
type notExpr struct{ x Expr }
type binExpr struct {
	op   string
	l, r Expr
}

func (e refExpr) Eval(en Env) (Value, error) { return en.Lookup(e.r) }
func (e refExpr) Refs() []Ref                { return []Ref{e.r} }
func (e litExpr) Eval(Env) (Value, error)    { return e.v, nil }
func (e litExpr) Refs() []Ref                { return nil }
func (e notExpr) Refs() []Ref                { return e.x.Refs() }
func (e binExpr) Refs() []Ref                { return append(e.l.Refs(), e.r.Refs()...) }

func (e notExpr) Eval(en Env) (Value, error) {
	v, err := e.x.Eval(en)
	if err != nil {
		return Value{}, err
	}
	b, err := v.Truth()
	if err != nil {
		return Value{}, err
	}
	return Bool(!b), nil
}

func (e binExpr) Eval(en Env) (Value, error) {
	l, err := e.l.Eval(en)
	if err != nil {
		return Value{}, err
	}
	switch e.op {
	case "&&", "||":
		lb, err := l.Truth()
		if err != nil {
			return Value{}, err
		}
		if (e.op == "&&" && !lb) || (e.op == "||" && lb) {
			return Bool(lb), nil
		}
		r, err := e.r.Eval(en)
		if err != nil {
			return Value{}, err
		}
		rb, err := r.Truth()
		if err != nil {
			return Value{}, err
		}
		return Bool(rb), nil
	}
	r, err := e.r.Eval(en)
	if err != nil {
		return Value{}, err
	}
	if l.isNum && r.isNum {
		switch e.op {
		case "==":
			return Bool(l.n == r.n), nil
		case "!=":
			return Bool(l.n != r.n), nil
		case "<":
			return Bool(l.n < r.n), nil
		case "<=":
			return Bool(l.n <= r.n), nil
		case ">":
			return Bool(l.n > r.n), nil
		case ">=":
			return Bool(l.n >= r.n), nil
		}
	}
	switch e.op {
	case "==":
		return Bool(l.s == r.s), nil
	case "!=":
		return Bool(l.s != r.s), nil
	case "has":
		return Bool(strings.Contains(l.s, r.s)), nil
	}
	return Value{}, fmt.Errorf("%s needs two numbers, got %q and %q", e.op, l.s, r.s)
}

// Vocabulary is what references may name: the calls a lesson can make and
// the fields of their outcomes.
type Vocabulary struct {
	Calls  []string
	Fields []string
	// WireKinds and WireFields are what wire.KIND.FIELD may name: the
	// segments captured during the step.
	WireKinds  []string
	WireFields []string
}

// WireActor is the reserved name of the segments on the wire in rules.
const WireActor = "wire"

func (v Vocabulary) has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Parse parses a rule, checking its references against v and TCP state
// names against the states the kernel reports.
func Parse(src string, v Vocabulary) (Expr, error) {
	toks, err := lexExpr(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks, voc: v}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return e, nil
}

type exprParser struct {
	toks []string
	i    int
	voc  Vocabulary
}

func (p *exprParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *exprParser) or() (Expr, error) {
	l, err := p.and()
	for err == nil && p.peek() == "||" {
		p.i++
		var r Expr
		if r, err = p.and(); err == nil {
			l = binExpr{"||", l, r}
		}
	}
	return l, err
}

func (p *exprParser) and() (Expr, error) {
	l, err := p.cmp()
	for err == nil && p.peek() == "&&" {
		p.i++
		var r Expr
		if r, err = p.cmp(); err == nil {
			l = binExpr{"&&", l, r}
		}
	}
	return l, err
}

func (p *exprParser) cmp() (Expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	switch op := p.peek(); op {
	case "==", "!=", "<", "<=", ">", ">=", "has":
		p.i++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		if err := checkStateLiteral(l, r); err != nil {
			return nil, err
		}
		return binExpr{op, l, r}, nil
	}
	return l, nil
}

// checkStateLiteral catches a misspelt TCP state (== ESTABLISHD) when the
// lesson is checked, not when a learner plays it: a state field compared
// with a word must be compared with a state the kernel can report.
func checkStateLiteral(l, r Expr) error {
	for _, pair := range [][2]Expr{{l, r}, {r, l}} {
		ref, isRef := pair[0].(refExpr)
		lit, isLit := pair[1].(litExpr)
		if !isRef || !isLit || ref.r.Field != "state" || lit.v.isNum || lit.v.isB || lit.v.s == "" {
			continue
		}
		if event.ParseTCPState(lit.v.s) == event.StateNone {
			return fmt.Errorf("%s compared with %q: not a TCP state (LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED)", ref.r, lit.v.s)
		}
	}
	return nil
}

func (p *exprParser) unary() (Expr, error) {
	t := p.peek()
	switch {
	case t == "":
		return nil, fmt.Errorf("rule ends too early")
	case t == "!":
		p.i++
		x, err := p.unary()
		return notExpr{x}, err
	case t == "(":
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return x, nil
	}
	p.i++
	return p.operand(t)
}

func (p *exprParser) operand(t string) (Expr, error) {
	switch {
	case strings.HasPrefix(t, `"`):
		s, err := strconv.Unquote(t)
		if err != nil {
			return nil, fmt.Errorf("bad string %s", t)
		}
		return litExpr{Str(s)}, nil
	case t == "true" || t == "false":
		return litExpr{Bool(t == "true")}, nil
	case t[0] == '-' || unicode.IsDigit(rune(t[0])):
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", t)
		}
		return litExpr{Num(n)}, nil
	case strings.Contains(t, "."):
		parts := strings.Split(t, ".")
		switch len(parts) {
		case 2:
			parts = append(parts, "ok")
		case 3:
		default:
			return nil, fmt.Errorf("reference %q: want ACTOR.CALL.FIELD", t)
		}
		r := Ref{parts[0], parts[1], parts[2]}
		if err := p.voc.checkRef(r); err != nil {
			return nil, err
		}
		return refExpr{r}, nil
	}
	for _, c := range t {
		if !(c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c)) {
			return nil, fmt.Errorf("unexpected %q", t)
		}
	}
	return litExpr{Str(t)}, nil
}

// checkRef validates the call and field names of a reference.
func (v Vocabulary) checkRef(r Ref) error {
	if !IsIdent(r.Actor) {
		return fmt.Errorf("reference %s: %q is not an actor name", r, r.Actor)
	}
	if r.Actor == WireActor {
		if !v.has(v.WireKinds, r.Call) {
			return fmt.Errorf("reference %s: unknown kind of segment %q (known: %s)", r, r.Call, strings.Join(v.WireKinds, ", "))
		}
		if !v.has(v.WireFields, r.Field) {
			return fmt.Errorf("reference %s: unknown segment field %q (known: %s)", r, r.Field, strings.Join(v.WireFields, ", "))
		}
		return nil
	}
	if !v.has(v.Calls, r.Call) {
		return fmt.Errorf("reference %s: unknown call %q (known: %s)", r, r.Call, strings.Join(v.Calls, ", "))
	}
	if !v.has(v.Fields, r.Field) {
		return fmt.Errorf("reference %s: unknown field %q (known: %s)", r, r.Field, strings.Join(v.Fields, ", "))
	}
	return nil
}

func lexExpr(src string) ([]string, error) {
	var toks []string
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, src[i:j+1])
			i = j + 1
		case strings.HasPrefix(src[i:], "&&"), strings.HasPrefix(src[i:], "||"),
			strings.HasPrefix(src[i:], "=="), strings.HasPrefix(src[i:], "!="),
			strings.HasPrefix(src[i:], "<="), strings.HasPrefix(src[i:], ">="):
			toks = append(toks, src[i:i+2])
			i += 2
		case strings.ContainsRune("!<>()", rune(c)):
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(src) && !strings.ContainsRune(" \t\"&|=!<>()", rune(src[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q", src[i:i+1])
			}
			toks = append(toks, src[i:j])
			i = j
		}
	}
	return toks, nil
}

// IsIdent reports whether s is a name: letters, digits and _.
func IsIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || unicode.IsLetter(c) || (i > 0 && unicode.IsDigit(c))) {
			return false
		}
	}
	return true
}

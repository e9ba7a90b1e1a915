package calc

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tName
	tPlus
	tMinus
	tStar
	tSlash
	tFloorDiv
	tMod
	tPow // "**" or "^"
	tLParen
	tRParen
	tComma
	tBad // a lexical error; carries err and ends the token stream
)

type token struct {
	kind tokKind
	col  int    // 1-based rune column
	text string // source text, for names and error messages
	val  value  // for tNum
	err  *Error // for tBad
}

// describe names a token for "unexpected ..." messages.
func (t token) describe() string {
	if t.kind == tEOF {
		return "end of expression"
	}
	return "'" + clip(t.text) + "'"
}

// lexer works on runes rather than bytes so that columns in error messages
// match what a user counts on screen, also for non-ASCII input.
type lexer struct {
	src []rune
	pos int
}

func isSpace(r rune) bool {
	// \r is here because Windows clients send "\r\n" and the framing only
	// strips "\n"; \n itself is harmless inside an expression.
	switch r {
	case ' ', '\t', '\r', '\n', '\f', '\v':
		return true
	}
	return false
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentChar(r rune) bool  { return isIdentStart(r) || unicode.IsDigit(r) }
func isDec(r rune) bool        { return '0' <= r && r <= '9' }

func (lx *lexer) peekAt(i int) rune {
	if i < len(lx.src) {
		return lx.src[i]
	}
	return 0
}

// tokenize splits the whole input up front: the input is small (MaxInputLen)
// and having all tokens lets the parser look ahead without lexer state.
// A lexical error becomes a final tBad token rather than failing at once,
// so that errors are reported in reading order: in __import__('os') the
// unknown name comes before the quote character.
func tokenize(src []rune) []token {
	lx := &lexer{src: src}
	toks := make([]token, 0, len(src)/2+2)
	for {
		t, err := lx.next()
		if err != nil {
			return append(toks, token{kind: tBad, col: err.Col, err: err})
		}
		toks = append(toks, t)
		if t.kind == tEOF {
			return toks
		}
	}
}

func (lx *lexer) next() (token, *Error) {
	for lx.pos < len(lx.src) && isSpace(lx.src[lx.pos]) {
		lx.pos++
	}
	if lx.pos >= len(lx.src) {
		return token{kind: tEOF}, nil
	}
	start := lx.pos
	col := start + 1
	r := lx.src[start]
	op := func(k tokKind, text string) (token, *Error) {
		lx.pos += len(text)
		return token{kind: k, col: col, text: text}, nil
	}
	switch {
	case isDec(r) || (r == '.' && isDec(lx.peekAt(start+1))):
		return lx.number()
	case isIdentStart(r):
		for lx.pos < len(lx.src) && isIdentChar(lx.src[lx.pos]) {
			lx.pos++
		}
		return token{kind: tName, col: col, text: string(lx.src[start:lx.pos])}, nil
	}
	switch r {
	case '+':
		return op(tPlus, "+")
	case '-':
		return op(tMinus, "-")
	case '*':
		if lx.peekAt(start+1) == '*' {
			return op(tPow, "**")
		}
		return op(tStar, "*")
	case '/':
		if lx.peekAt(start+1) == '/' {
			return op(tFloorDiv, "//")
		}
		return op(tSlash, "/")
	case '%':
		return op(tMod, "%")
	case '^':
		return op(tPow, "^")
	case '(':
		return op(tLParen, "(")
	case ')':
		return op(tRParen, ")")
	case ',':
		return op(tComma, ",")
	case 0:
		return token{}, errAt(col, "NUL byte")
	case '<', '>', '=', '!', '&', '|', '~', '@':
		// Valid Python, so a user trying them deserves a clearer word than
		// "invalid character".
		return token{}, errAt(col, "operator %s is not supported", quoteRune(r))
	case '.':
		return token{}, errAt(col, "unexpected '.'")
	}
	return token{}, errAt(col, "invalid character %s", quoteRune(r))
}

// digits consumes digit ("_"? digit)* and returns the digits without
// underscores; it stops before an underscore not followed by a digit, which
// the caller then reports as part of an invalid number.
func (lx *lexer) digits(ok func(rune) bool) string {
	start := lx.pos
	underscores := false
	for lx.pos < len(lx.src) {
		r := lx.src[lx.pos]
		if ok(r) {
			lx.pos++
			continue
		}
		if r == '_' && lx.pos > start && ok(lx.peekAt(lx.pos+1)) {
			underscores = true
			lx.pos++
			continue
		}
		break
	}
	s := string(lx.src[start:lx.pos])
	if underscores {
		s = strings.ReplaceAll(s, "_", "")
	}
	return s
}

func (lx *lexer) badNumber(start int) (token, *Error) {
	end := lx.pos
	for end < len(lx.src) && (isIdentChar(lx.src[end]) || lx.src[end] == '.') {
		end++
	}
	if end == lx.pos {
		end = min(lx.pos+1, len(lx.src))
	}
	return token{}, errAt(start+1, "invalid number '%s'", clip(string(lx.src[start:end])))
}

// number follows Python's literal grammar, including its refusal of
// leading zeros in decimal integers (which would be octal in C).
func (lx *lexer) number() (token, *Error) {
	start := lx.pos
	tok := func() token {
		return token{kind: tNum, col: start + 1, text: string(lx.src[start:lx.pos])}
	}
	if lx.src[start] == '0' {
		base := 0
		switch lx.peekAt(start + 1) {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			lx.pos += 2
			if lx.peekAt(lx.pos) == '_' {
				lx.pos++ // Python allows 0x_ff
			}
			ds := lx.digits(func(r rune) bool { return digitVal(r) < base })
			if ds == "" || isIdentChar(lx.peekAt(lx.pos)) || lx.peekAt(lx.pos) == '.' {
				return lx.badNumber(start)
			}
			n, _ := new(big.Int).SetString(ds, base)
			t := tok()
			t.val = intVal(n)
			return t, nil
		}
	}
	intPart := lx.digits(isDec)
	isFloat := false
	frac := ""
	if lx.peekAt(lx.pos) == '.' {
		isFloat = true
		lx.pos++
		frac = lx.digits(isDec)
	}
	exp := ""
	if r := lx.peekAt(lx.pos); r == 'e' || r == 'E' {
		save := lx.pos
		lx.pos++
		sign := ""
		if s := lx.peekAt(lx.pos); s == '+' || s == '-' {
			sign = string(s)
			lx.pos++
		}
		ds := lx.digits(isDec)
		if ds == "" {
			lx.pos = save + 1
			return lx.badNumber(start)
		}
		exp = "e" + sign + ds
		isFloat = true
	}
	if r := lx.peekAt(lx.pos); isIdentChar(r) || r == '.' {
		return lx.badNumber(start)
	}
	t := tok()
	if !isFloat {
		if len(intPart) > 1 && strings.TrimLeft(intPart, "0") != "" && intPart[0] == '0' {
			return token{}, errAt(start+1, "invalid number '%s' (leading zeros are not allowed)", clip(t.text))
		}
		if len(intPart) <= 18 { // fits int64: skip the slower big parser
			n, _ := strconv.ParseInt(intPart, 10, 64)
			t.val = int64Val(n)
			return t, nil
		}
		n, _ := new(big.Int).SetString(intPart, 10)
		t.val = intVal(n)
		return t, nil
	}
	f, err := strconv.ParseFloat(intPart+"."+frac+exp, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		// Unreachable: the scanner only lets well-formed literals through.
		return lx.badNumber(start)
	}
	// On ErrRange ParseFloat returns ±Inf or 0, which is what Python gives
	// for 1e400 and 1e-400.
	t.val = floatVal(f)
	return t, nil
}

func digitVal(r rune) int {
	switch {
	case '0' <= r && r <= '9':
		return int(r - '0')
	case 'a' <= r && r <= 'f':
		return int(r-'a') + 10
	case 'A' <= r && r <= 'F':
		return int(r-'A') + 10
	}
	return 99
}

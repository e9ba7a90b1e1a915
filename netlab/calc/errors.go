package calc

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Error is the type of every error Eval returns. Msg is written to follow
// "error: " in the server's reply, so it has no prefix of its own and starts
// in lower case.
type Error struct {
	Msg string
	Col int // 1-based column in characters (runes); 0 when no position applies

	overLight bool // EvalLight stopped: the expression needs the full budget
}

func (e *Error) Error() string {
	if e.Col > 0 {
		return e.Msg + " at column " + strconv.Itoa(e.Col)
	}
	return e.Msg
}

func errAt(col int, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Col: col}
}

func errf(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// Messages shared by several places. They are functions, not variables, so
// that a caller who modifies a returned *Error cannot change later ones.
func errDivZero() *Error    { return errf("division by zero") }
func errTooLarge() *Error   { return errf("result too large") }
func errIntToFloat() *Error { return errf("int too large to convert to float") }
func errDomain() *Error     { return errf("math domain error") }
func errTooMuchWork() *Error {
	return errf("calculation too expensive (work limit reached)")
}

// errOverLight stops a light attempt (EvalLight) before its first step
// over the light budget; callers see it only as heavy == true.
func errOverLight() *Error { return &Error{Msg: "over the light budget", overLight: true} }

// quoteRune shows a character the way a user can recognise it in a one-line
// reply: printable characters in quotes, anything else as U+XXXX so that
// control characters never reach the client's terminal raw.
func quoteRune(r rune) string {
	if r == '\'' {
		return `"'"`
	}
	if unicode.IsPrint(r) {
		return "'" + string(r) + "'"
	}
	return fmt.Sprintf("U+%04X", r)
}

// clip shortens source text quoted in a message, so that a 4000-digit
// literal does not turn the one-line reply into a wall of digits.
func clip(s string) string {
	const limit = 24
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "..."
}

// Package calc is the expression language of socklab's "remote calculator"
// server.
//
// The original Python tutorial the server is modelled on answered every
// request with eval(), which hands a remote client the whole interpreter.
// This package instead parses a small, closed arithmetic language and
// evaluates it itself, so no input can reach anything but arithmetic.
//
// The language follows Python 3 wherever the two overlap, so that students
// can compare the server's answers with their own Python REPL:
//
//   - integers are exact and unbounded (up to a size limit, see below);
//     literals may be decimal, or 0x/0o/0b prefixed, with Python's
//     underscores between digits (1_000);
//   - numbers with a '.' or an exponent (3.14, .5, 5., 1e3) are float64;
//   - + - * / // % ** with Python's precedence, associativity and
//     semantics (true division, floor division, modulo taking the sign of
//     the divisor, ** binding tighter than a unary minus on its left);
//   - ^ is accepted as a synonym for **. This is NOT Python's meaning
//     (bitwise XOR), but it is what calculator users expect;
//   - the functions abs, round (banker's rounding), sqrt (Python's
//     math.sqrt), min and max;
//   - results are formatted as Python's repr() would print them.
//
// Because the server is public, every Eval call is bounded: input length,
// nesting depth, the size of integer results and the total amount of
// big-integer work are all limited and checked before the expensive step,
// so any input is answered within milliseconds.
//
// Known differences from Python: a negative number raised to a fractional
// power is an error here (Python returns a complex number); fractional
// powers are computed correctly rounded, while CPython uses the platform's
// C pow, which is occasionally one ulp off (about 1 case in 1000 with
// glibc); integers beyond the size limit or the work budget are rejected
// where Python would keep computing (and 10**-n rounding never builds
// 10**n for absurd n); min and max need at least one argument but, unlike
// Python's, a single number is fine: min(5) is 5.
package calc

// MaxDepth limits nesting: each parenthesis, function call, unary sign and
// "**" adds one level to what follows it. The parser checks it before descending, so
// hostile input such as 100 000 '(' cannot exhaust the stack.
const MaxDepth = 64

// MaxInputLen is the longest expression, in bytes, that Eval accepts.
const MaxInputLen = 4096

// Package safetext is the one sanitizer every printer of socklab passes
// untrusted text through: peer bytes (a student's requests on the
// instructor's projector, a server's replies on a student's terminal),
// lesson files and file names. A terminal obeys C0 and C1 controls (CSI,
// OSC: set the title, write the clipboard, move the cursor), bidi controls
// reorder what is drawn ("2+2 → 5") and zero-width characters hide text, so
// all of them, and invalid UTF-8, are rendered as visible escapes that
// cannot act. It is a leaf: netlab, lessons and ui may all import it.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether r must never reach a terminal raw: C0, DEL, C1
// (Cc), format characters (Cf: bidi embeddings and isolates U+202A–U+202E,
// U+2066–U+2069, zero-width U+200B–U+200F, U+2060, U+FEFF, soft hyphen, tag
// characters), line and paragraph separators (Zl, Zp: they break a line
// where a printer thinks there is none), private-use and unassigned code
// points (a font or terminal may give them any meaning) and U+FFFD's
// invalid-UTF-8 stand-in.
func Unsafe(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case r < 0x20 || r == 0x7f:
		return true
	case r < 0x7f:
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co) || !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs)
}

// String renders s on one line: \n, \r and \t as those escapes, other C0
// controls and DEL as \xNN, every other unsafe rune as \uXXXX (\U000XXXXX beyond the BMP), each byte of
// invalid UTF-8 as \xNN. Safe text comes out unchanged.
func String(s string) string { return render(s, false) }

// Bytes is String for a byte slice (payloads).
func Bytes(p []byte) string { return render(string(p), false) }

// Text is String that keeps newlines and tabs: for prose and multi-line
// replies, where a line break is harmless and meant.
func Text(s string) string { return render(s, true) }

// Find returns the byte offset and rune of the first unsafe rune in s that
// Text would escape (-1 when there is none). An invalid byte is reported as
// utf8.RuneError.
func Find(s string) (int, rune) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != '\n' && r != '\t' && (Unsafe(r) && !(r == utf8.RuneError && n == 3)) {
			return i, r
		}
		i += n
	}
	return -1, 0
}

func render(s string, keepLines bool) string {
	if clean(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(hex(uint32(s[i]), 2))
		case r == utf8.RuneError: // a real U+FFFD is text
			b.WriteRune(r)
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f: // as the byte it is, like the ladder always showed it
			b.WriteString(`\x`)
			b.WriteString(hex(uint32(r), 2))
		case Unsafe(r) && r > 0xffff:
			b.WriteString(`\U`)
			b.WriteString(hex(uint32(r), 8))
		case Unsafe(r):
			b.WriteString(`\u`)
			b.WriteString(hex(uint32(r), 4))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// clean is the fast path: true when nothing in s needs an escape.
func clean(s string, keepLines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return cleanSlow(s[i:], keepLines)
		}
		if c < 0x20 || c == 0x7f {
			if !keepLines || (c != '\n' && c != '\t') {
				return false
			}
		}
	}
	return true
}

func cleanSlow(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		if r != utf8.RuneError && Unsafe(r) && !(keepLines && (r == '\n' || r == '\t')) {
			return false
		}
		i += n
	}
	return true
}

func hex(v uint32, digits int) string {
	const d = "0123456789abcdef"
	out := make([]byte, digits)
	for i := digits - 1; i >= 0; i-- {
		out[i] = d[v&15]
		v >>= 4
	}
	return string(out)
}

// JSON rewrites an encoded JSON document so that no unsafe rune is left raw
// inside its strings: encoding/json escapes C0 but writes C1, bidi and
// zero-width characters as they are. Each becomes a \uXXXX escape (a
// surrogate pair beyond the BMP), which decodes to the same string, so the
// data is unchanged for a program and harmless on a terminal (cat, less,
// jq -c). Outside strings JSON is ASCII, so the rewrite touches nothing
// else.
func JSON(doc []byte) []byte {
	if clean(string(doc), true) {
		return doc
	}
	out := make([]byte, 0, len(doc)+16)
	for i := 0; i < len(doc); {
		r, n := utf8.DecodeRune(doc[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, `\ufffd`...)
		case r != '\n' && r != '\t' && r != '\r' && r != utf8.RuneError && Unsafe(r):
			if r > 0xffff {
				r1, r2 := utf16Pair(r)
				out = append(out, `\u`+hex(uint32(r1), 4)+`\u`+hex(uint32(r2), 4)...)
			} else {
				out = append(out, `\u`+hex(uint32(r), 4)...)
			}
		default:
			out = append(out, doc[i:i+n]...)
		}
		i += n
	}
	return out
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

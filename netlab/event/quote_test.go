package event

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
	"unicode/utf8"
)

// quoteRef is what appendQuote wrote before its ASCII fast path: the trace's
// lines must not change by a byte.
func quoteRef(p []byte, max int) []byte {
	if len(p) > max {
		b := strconv.AppendQuote(nil, string(p[:max]))
		b = append(b, "…("...)
		b = strconv.AppendInt(b, int64(len(p)), 10)
		return append(b, " bytes)"...)
	}
	return strconv.AppendQuote(nil, string(p))
}

func checkQuote(t *testing.T, p []byte, max int) {
	t.Helper()
	got, want := appendQuote([]byte("x "), p, max), append([]byte("x "), quoteRef(p, max)...)
	if !bytes.Equal(got, want) {
		t.Fatalf("appendQuote(%q, %d) = %s, strconv wrote %s", p, max, got, want)
	}
}

// TestAppendQuoteIsStrconvs: every byte value alone, at the start, middle
// and end of a plain run, and random bytes (ASCII-heavy, as payloads are,
// and arbitrary), cut at every length, quote as strconv.Quote does.
func TestAppendQuoteIsStrconvs(t *testing.T) {
	for c := range 256 {
		for _, p := range [][]byte{{byte(c)}, {byte(c), 'a', 'b'}, {'a', byte(c), 'b'}, {'a', 'b', byte(c)}} {
			checkQuote(t, p, 40)
		}
	}
	for _, s := range []string{"", "hello\n", `say "hi"\now`, "héllo", "日本語 text", "\xff\xfe", "a\u202eb", "tab\there\r\n\x00\x7f",
		"\uFFFD and \xef\xbf\xbd", "\u00a0nbsp", "\U0001F600 \U000E0001", "\xed\xa0\x80 surrogate", "\xc0\x80 overlong", "\xf4\x90\x80\x80 past max"} {
		for max := range len(s) + 2 {
			checkQuote(t, []byte(s), max)
		}
	}
	r := rand.New(rand.NewPCG(18, 4))
	// Runes from where printable and not meet: Latin-1's controls and
	// no-break space, bidi and format characters, private use, the
	// replacement character, emoji and tags past the BMP.
	edges := []rune{0x80, 0x9f, 0xa0, 0xad, 0x200b, 0x202e, 0x2028, 0xe000, 0xfeff, 0xfffd, 0x1f600, 0xe0001, 0x10ffff}
	for range 20000 {
		var p []byte
		for n := r.IntN(80); len(p) < n; {
			switch r.IntN(8) {
			case 0, 1:
				p = append(p, byte(r.IntN(256))) // anything, UTF-8 or not
			case 2:
				p = utf8.AppendRune(p, edges[r.IntN(len(edges))])
			case 3:
				p = utf8.AppendRune(p, rune(r.IntN(0x30000)))
			default:
				p = append(p, byte(' '+r.IntN(95)))
			}
		}
		checkQuote(t, p, r.IntN(90))
	}
}

func FuzzAppendQuote(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.0\r\n"), 24)
	f.Add([]byte("\x00\x7f\"\\é"), 40)
	f.Fuzz(func(t *testing.T, p []byte, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		checkQuote(t, p, max)
	})
}

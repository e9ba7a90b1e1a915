//go:build unix

package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// malformed is one bad request and the reply it must get.
type malformed struct {
	kind string
	line []byte // without the newline
}

// malformedCorpus builds the bad requests deterministically: the hand-written
// attack strings of testdata/attacks.txt, then generated garbage, invalid
// UTF-8, NUL bytes, lines over the limit up to 1 MB, deep nesting, huge
// powers, unknown names and syntax errors. big=false leaves out the 1 MB
// lines (for -race runs).
func malformedCorpus(t testing.TB, big bool) []malformed {
	t.Helper()
	var out []malformed
	add := func(kind, s string) { out = append(out, malformed{kind, []byte(s)}) }

	f, err := os.Open("testdata/attacks.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		add("attack", sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	r := rand.New(rand.NewPCG(2024, 5))
	randBytes := func(n int, from, to int) []byte {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(from + r.IntN(to-from))
			if p[i] == '\n' {
				p[i] = '?'
			}
		}
		return p
	}
	for range 250 { // printable garbage
		add("garbage", string(randBytes(1+r.IntN(80), 0x21, 0x7f)))
	}
	for range 150 { // invalid UTF-8: high bytes, truncated sequences
		p := randBytes(1+r.IntN(40), 0x80, 0x100)
		add("invalid UTF-8", "1+"+string(p))
	}
	add("invalid UTF-8", "\xc3")
	add("invalid UTF-8", "1+\xe2\x82")
	add("invalid UTF-8", "\xed\xa0\x80") // a UTF-16 surrogate
	add("invalid UTF-8", "\xf4\x90\x80\x80")
	for i := range 120 { // NUL bytes
		add("NUL", fmt.Sprintf("%d%s%d", i, strings.Repeat("\x00", 1+i%5), i+1))
	}
	add("NUL", "\x00")
	for i := range 60 { // deep nesting
		d := 65 + i*60
		switch i % 4 {
		case 0:
			add("nesting", strings.Repeat("(", d)+"1"+strings.Repeat(")", d))
		case 1:
			add("nesting", strings.Repeat("-", d)+"1")
		case 2:
			add("nesting", strings.Repeat("abs(", d)+"1"+strings.Repeat(")", d))
		case 3:
			add("nesting", strings.Repeat("(", d)) // unclosed
		}
	}
	for i := range 120 { // huge powers and products
		b, e := 2+r.IntN(98), 200000+r.IntN(1_000_000)
		switch i % 6 {
		case 0:
			add("huge", fmt.Sprintf("%d**%d", b, e))
		case 1:
			add("huge", fmt.Sprintf("%d**%d**%d", b, 5+r.IntN(5), 8+r.IntN(5)))
		case 2:
			add("huge", fmt.Sprintf("(%d**%d)**%d", b, 1000+r.IntN(9000), 1000+r.IntN(9000)))
		case 3:
			add("huge", fmt.Sprintf("-(%d^%d)", b, e))
		case 4:
			add("huge", fmt.Sprintf("%d.5**%d", b, e))
		case 5:
			add("huge", strings.Repeat(fmt.Sprintf("9**%d*", 30000+r.IntN(9)), 20)+"9")
		}
	}
	names := []string{"x", "pi", "e", "os", "sys", "eval", "exec", "open", "import", "print", "π", "ñ", "Ω", "_", "__class__", "True", "None", "inf", "nan"}
	for i := range 120 { // unknown names
		n := names[i%len(names)]
		if i >= len(names) {
			n += string(randBytes(1+r.IntN(8), 'a', 'z'+1))
		}
		switch i % 3 {
		case 0:
			add("unknown name", n)
		case 1:
			add("unknown name", fmt.Sprintf("%d + %s", i, n))
		case 2:
			add("unknown name", fmt.Sprintf("%s(%d)", n, i))
		}
	}
	syntax := []string{"1+", "*3", "1 2", ")(", "((1)", "(1))", "1**", "//2", "1..2", "1e", "1e+", "0x", "0b2", "1_", "1__0",
		"abs(,)", "min(1,,2)", "max(1 2)", ",", "()", "(,)", "1,2", "+", "-", "**", "^", "1^^2", "1***2", "1 % % 2", "="}
	for i := range 150 { // syntax errors, also padded and with \r
		s := syntax[i%len(syntax)]
		switch (i / len(syntax)) % 4 {
		case 1:
			s = "  " + s + "  "
		case 2:
			s += "\r"
		case 3:
			s = fmt.Sprintf("%d*(%s)", i, s)
		}
		add("syntax", s)
	}
	for i := range 60 { // arithmetic errors
		add("math", fmt.Sprintf("%d/%s", i, pick(r, "0", "0.0", "(1-1)", "(2*0)")))
		_ = i
	}
	add("empty", "")
	add("empty", "   ")
	add("empty", "\t")
	for i := range 40 { // just over the line limit
		add("too long", strings.Repeat("1+", 2049+i*13)+"1")
	}
	if big {
		for i := range 5 { // 1 MB lines of all sorts
			var p []byte
			switch i {
			case 0:
				p = bytes.Repeat([]byte("1+"), 1<<19)
			case 1:
				p = randBytes(1<<20, 0, 0x100)
			case 2:
				p = bytes.Repeat([]byte("("), 1<<20)
			case 3:
				p = bytes.Repeat([]byte{0}, 1<<20)
			case 4:
				p = bytes.Repeat([]byte("9"), 1<<20)
			}
			out = append(out, malformed{"1 MB", p})
		}
	}
	return out
}

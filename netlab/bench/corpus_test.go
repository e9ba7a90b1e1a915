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
	c := &corpus{r: rand.New(rand.NewPCG(2024, 5))}
	c.attacks(t)
	// The generators draw from one seeded source in this order: the
	// corpus is the same on every run.
	c.garbage()
	c.invalidUTF8()
	c.nuls()
	c.nesting()
	c.huge()
	c.unknownNames()
	c.syntaxErrors()
	c.mathErrors()
	c.empty()
	c.tooLong()
	if big {
		c.megabyteLines()
	}
	return c.out
}

// corpus accumulates bad requests from one seeded random source.
type corpus struct {
	r   *rand.Rand
	out []malformed
}

func (c *corpus) add(kind, s string) { c.out = append(c.out, malformed{kind, []byte(s)}) }

// randBytes is n bytes in [from, to), a newline turned into '?' so the
// request stays one line.
func (c *corpus) randBytes(n int, from, to int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(from + c.r.IntN(to-from))
		if p[i] == '\n' {
			p[i] = '?'
		}
	}
	return p
}

// attacks: the hand-written lines of testdata/attacks.txt.
func (c *corpus) attacks(t testing.TB) {
	t.Helper()
	f, err := os.Open("testdata/attacks.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c.add("attack", sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func (c *corpus) garbage() {
	for range 250 { // printable garbage
		c.add("garbage", string(c.randBytes(1+c.r.IntN(80), 0x21, 0x7f)))
	}
}

func (c *corpus) invalidUTF8() {
	for range 150 { // high bytes, truncated sequences
		p := c.randBytes(1+c.r.IntN(40), 0x80, 0x100)
		c.add("invalid UTF-8", "1+"+string(p))
	}
	c.add("invalid UTF-8", "\xc3")
	c.add("invalid UTF-8", "1+\xe2\x82")
	c.add("invalid UTF-8", "\xed\xa0\x80") // a UTF-16 surrogate
	c.add("invalid UTF-8", "\xf4\x90\x80\x80")
}

func (c *corpus) nuls() {
	for i := range 120 {
		c.add("NUL", fmt.Sprintf("%d%s%d", i, strings.Repeat("\x00", 1+i%5), i+1))
	}
	c.add("NUL", "\x00")
}

func (c *corpus) nesting() {
	for i := range 60 {
		d := 65 + i*60
		switch i % 4 {
		case 0:
			c.add("nesting", strings.Repeat("(", d)+"1"+strings.Repeat(")", d))
		case 1:
			c.add("nesting", strings.Repeat("-", d)+"1")
		case 2:
			c.add("nesting", strings.Repeat("abs(", d)+"1"+strings.Repeat(")", d))
		case 3:
			c.add("nesting", strings.Repeat("(", d)) // unclosed
		}
	}
}

// huge: powers and products too big to compute.
func (c *corpus) huge() {
	r := c.r
	for i := range 120 {
		b, e := 2+r.IntN(98), 200000+r.IntN(1_000_000)
		switch i % 6 {
		case 0:
			c.add("huge", fmt.Sprintf("%d**%d", b, e))
		case 1:
			c.add("huge", fmt.Sprintf("%d**%d**%d", b, 5+r.IntN(5), 8+r.IntN(5)))
		case 2:
			c.add("huge", fmt.Sprintf("(%d**%d)**%d", b, 1000+r.IntN(9000), 1000+r.IntN(9000)))
		case 3:
			c.add("huge", fmt.Sprintf("-(%d^%d)", b, e))
		case 4:
			c.add("huge", fmt.Sprintf("%d.5**%d", b, e))
		case 5:
			c.add("huge", strings.Repeat(fmt.Sprintf("9**%d*", 30000+r.IntN(9)), 20)+"9")
		}
	}
}

func (c *corpus) unknownNames() {
	names := []string{"x", "pi", "e", "os", "sys", "eval", "exec", "open", "import", "print", "π", "ñ", "Ω", "_", "__class__", "True", "None", "inf", "nan"}
	for i := range 120 {
		n := names[i%len(names)]
		if i >= len(names) {
			n += string(c.randBytes(1+c.r.IntN(8), 'a', 'z'+1))
		}
		switch i % 3 {
		case 0:
			c.add("unknown name", n)
		case 1:
			c.add("unknown name", fmt.Sprintf("%d + %s", i, n))
		case 2:
			c.add("unknown name", fmt.Sprintf("%s(%d)", n, i))
		}
	}
}

// syntaxErrors: each error as is, padded, with \r, and inside an
// expression.
func (c *corpus) syntaxErrors() {
	syntax := []string{"1+", "*3", "1 2", ")(", "((1)", "(1))", "1**", "//2", "1..2", "1e", "1e+", "0x", "0b2", "1_", "1__0",
		"abs(,)", "min(1,,2)", "max(1 2)", ",", "()", "(,)", "1,2", "+", "-", "**", "^", "1^^2", "1***2", "1 % % 2", "="}
	for i := range 150 {
		s := syntax[i%len(syntax)]
		switch (i / len(syntax)) % 4 {
		case 1:
			s = "  " + s + "  "
		case 2:
			s += "\r"
		case 3:
			s = fmt.Sprintf("%d*(%s)", i, s)
		}
		c.add("syntax", s)
	}
}

func (c *corpus) mathErrors() {
	for i := range 60 {
		c.add("math", fmt.Sprintf("%d/%s", i, pick(c.r, "0", "0.0", "(1-1)", "(2*0)")))
	}
}

func (c *corpus) empty() {
	c.add("empty", "")
	c.add("empty", "   ")
	c.add("empty", "\t")
}

func (c *corpus) tooLong() {
	for i := range 40 { // just over the line limit
		c.add("too long", strings.Repeat("1+", 2049+i*13)+"1")
	}
}

// megabyteLines: 1 MB lines of all sorts.
func (c *corpus) megabyteLines() {
	lines := [][]byte{
		bytes.Repeat([]byte("1+"), 1<<19),
		c.randBytes(1<<20, 0, 0x100),
		bytes.Repeat([]byte("("), 1<<20),
		bytes.Repeat([]byte{0}, 1<<20),
		bytes.Repeat([]byte("9"), 1<<20),
	}
	for _, p := range lines {
		c.out = append(c.out, malformed{"1 MB", p})
	}
}

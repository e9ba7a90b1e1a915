package lessons

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCheckBounds: every number a lesson file gives an action has a
// bound the parser checks, with the file and line.
func TestCheckBounds(t *testing.T) {
	parallel(t, rankOther)
	lab := func(lines ...string) string {
		return "# T\n\n## S\n\n```lab\ns.socket tcp\n" + strings.Join(lines, "\n") + "\n```\n"
	}
	for _, c := range []struct{ name, src, want string }{
		{"recv huge", lab("s.recv 9223372036854775807"), "bad.md:7: s.recv: \"9223372036854775807\": want a number from 0 to 1048576"},
		{"recv 1e12", lab("s.recv 1000000000000"), "bad.md:7: s.recv"},
		{"echo huge", lab("s.echo 1048577"), "bad.md:7: s.echo"},
		{"recvfrom huge", lab("s.recvfrom 99999999999"), "bad.md:7: s.recvfrom"},
		{"listen huge", lab("s.listen 99999999"), "bad.md:7: s.listen"},
		{"serve maxline", lab("v.serve calc 127.0.0.1:0 maxline=99999999999"), "bad.md:7: v.serve: option \"maxline=99999999999\""},
		{"serve maxclients", lab("v.serve echo 127.0.0.1:0 maxclients=-5"), "bad.md:7: v.serve: option"},
		{"serve idle", lab("v.serve echo 127.0.0.1:0 idle=100h"), "bad.md:7: v.serve: option \"idle=100h\""},
		{"play time", lab(strings.Repeat("s.idle 1m\n", 11)), "bad.md:17: the lesson's idle and wait actions add up to more than 10m0s"},
		{"bare waits", lab(strings.Repeat("s.wait\n", 61)), "bad.md:67: the lesson's idle and wait actions"},
		{"send total", lab(strings.Repeat("s.send \"x\"*65536\n", 257)), "bad.md:263: the lesson sends more than 16777216 bytes"},
		{"actions", lab(strings.Repeat("s.state\n", MaxActions)), fmt.Sprintf("bad.md:%d: more than %d actions", 6+MaxActions, MaxActions)},
		{"steps", "# T\n" + strings.Repeat("\n## S\n\n```lab\ns.socket tcp\n```\n", MaxSteps+1), fmt.Sprintf("bad.md:%d: more than %d steps", 2+6*MaxSteps+1-1+1, MaxSteps)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bad.md", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Parse: %v\nwant it to contain %q", err, c.want)
			}
		})
	}
	// At the bounds the file is good.
	ok := lab("s.listen 65536", "s.recv 1048576", "s.idle 1m", "s.wait 1m", "v.serve calc 127.0.0.1:0 maxline=1048576 maxclients=4096 idle=1m")
	if _, err := Parse("ok.md", []byte(ok)); err != nil {
		t.Fatalf("at the bounds: %v", err)
	}
}

// TestRepeatedTextNotExpandedWhenRead: "x"*65536 is kept as text and
// count; a 1 MiB file of such lines is refused by its send total, and
// reading it costs a few MB, not the gigabytes its expansion would
// (it was 2.3 GB). Memory is measured as bytes allocated by Parse.
func TestRepeatedTextNotExpandedWhenRead(t *testing.T) {
	// Not parallel: it reads the process's allocation count, and the
	// parallel tests start only once it has ended.
	line := "s.send \"x\"*65536\n"
	head := "# T\n\n## S\n\n```lab\ns.socket tcp\n"
	n := (MaxLessonFile - len(head) - 4) / len(line)
	src := []byte(head + strings.Repeat(line, n) + "```\n")
	alloc, err := parseAllocated("big.md", src)
	if err == nil || !strings.Contains(err.Error(), "sends more than") {
		t.Fatalf("Parse of %d sends: %v", n, err)
	}
	if alloc > 50<<20 {
		t.Fatalf("Parse of a %d-byte file allocated %d MB, want at most 50", len(src), alloc>>20)
	}
	// Within the totals, the bytes are made when sent.
	l, err := Parse("one.md", []byte(head+"s.send \"ab\"*3\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a := l.Steps[0].Actions[1]; string(a.Data()) != "ababab" || a.dataLen() != 6 {
		t.Fatalf("Data() = %q", a.Data())
	}
}

// TestLongFenceReadInLinearMemory: a code fence's run of backticks is
// measured, not grown a character at a time. FuzzLessonFile found a file of
// 1 663 bytes, most of them one backtick run, that allocated 1.4 MB; at
// 13 200 backticks it was 92 MB, at a 1 MiB file it would be terabytes.
func TestLongFenceReadInLinearMemory(t *testing.T) {
	// Not parallel: it reads the process's allocation count, and the
	// parallel tests start only once it has ended.
	src := []byte("# T\n\n## S\n\n```\n```\n" + strings.Repeat("`", 32<<10) + "\n")
	alloc, err := parseAllocated("fence.md", src)
	// The problem names the fence by its length, not by 32 768 backticks.
	if err == nil || !strings.Contains(err.Error(), "never closed with a run of 32768 backticks") || len(err.Error()) > 1000 {
		t.Fatalf("Parse of an unclosed fence: %.300v", err)
	}
	if alloc > 64*uint64(len(src)) {
		t.Fatalf("Parse of a %d-byte file allocated %d bytes, want at most 64 per byte", len(src), alloc)
	}
}

// parseAllocated parses src and returns the bytes the process allocated
// meanwhile and Parse's error (the caller runs alone: not parallel).
func parseAllocated(name string, src []byte) (uint64, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Parse(name, src)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

// TestFamilyMismatchPlaysAsErrno: a lesson that binds, connects or sends
// to an IPv6 address from an IPv4 socket gets the kernel's errno in its
// outcome (it panicked in As4 and took the terminal with it).
func TestFamilyMismatchPlaysAsErrno(t *testing.T) {
	parallel(t, rankOther) // a lab of its own, ports chosen by the kernel
	src := "# T\n\n## S\n\n```lab\n" +
		"a.socket tcp\na.bind [::1]:0\nb.socket tcp\nb.connect [::1]:9\nu.socket udp\nu.sendto [::1]:9 \"x\"\n" +
		"expect a.bind.errno == EAFNOSUPPORT\nexpect b.connect.failed\nexpect u.sendto.failed\n```\n"
	l, err := Parse("fam.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	ok, err := Trace(ctx, &out, 1, l, Options{})
	if err != nil || !ok {
		t.Fatalf("trace: ok=%v err=%v\n%s", ok, err, out.String())
	}
}

// TestLoopbackConfinement: with Options.Loopback a wildcard bind or serve
// is made on loopback (and said in a note), and another address is
// refused before any call; lessons check warns about that address.
func TestLoopbackConfinement(t *testing.T) {
	parallel(t, rankOther) // a lab of its own, ports chosen by the kernel
	src := "# T\n\n## S\n\n```lab\n" +
		"s.serve echo 0.0.0.0:0\nb.socket tcp6\nb.bind [::]:0\nc.socket udp\nc.sendto 192.0.2.1:9 \"x\"\n" +
		"expect s.serve.ip == \"127.0.0.1\"\nexpect b.bind.ip == \"::1\"\n```\n"
	l, err := Parse("conf.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Warnings) != 1 || !strings.Contains(l.Warnings[0].String(), "conf.md:10: 192.0.2.1 is not a loopback address") {
		t.Fatalf("warnings %v", l.Warnings)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	ok, err := Trace(ctx, &out, 1, l, Options{Loopback: true})
	if err != nil || !ok || !strings.Contains(out.String(), "instead of 0.0.0.0") || !strings.Contains(out.String(), "192.0.2.1: not a loopback address") {
		t.Fatalf("trace: ok=%v err=%v\n%s", ok, err, out.String())
	}
}

// TestPlayLimitBoundsBlockedWaits: what a file asks for is bounded by
// check; what the kernel's answers make a run wait (each action behind a
// blocked call waits up to WaitLimit) is bounded by PlayLimit: past it,
// actions fail at once instead of waiting.
func TestPlayLimitBoundsBlockedWaits(t *testing.T) {
	// Beside the others: the budget is what each wait was allowed (a timer
	// that fires late gives nothing back), never the clock's reading.
	parallel(t, rankOther)
	src := "# T\n\n## S\n\n```lab\ns.socket tcp\ns.bind 127.0.0.1:0\ns.listen 1\nc.socket tcp\nc.connect s\n" +
		"c.recv 10\n" + strings.Repeat("c.recv 10\n", 8) + "```\n"
	l, err := Parse("limit.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := Start(l, Options{WaitLimit: 50 * time.Millisecond, PlayLimit: 120 * time.Millisecond})
	defer r.Close()
	res, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var blocked, limited int
	for _, o := range res.Outcomes[6:] {
		switch {
		case errors.Is(o.Err, ErrPlayLimit):
			limited++
		case o.Err != nil && strings.Contains(o.Err.Error(), "still blocked"):
			blocked++
		}
	}
	// 120 ms of budget: two 50 ms waits, one of 20 ms, then none.
	if blocked != 3 || limited != 5 {
		t.Fatalf("%d waits ran out, %d refused by the limit; want 3 and 5", blocked, limited)
	}
}

// TestProblemsBounded: a file of bad lines gets its first problems and a
// count, not one line per bad line.
func TestProblemsBounded(t *testing.T) {
	parallel(t, rankOther)
	src := "# T\n\n## S\n\n```lab\ns.socket tcp\n" + strings.Repeat("s.frob 1\n", 5000) + "```\n"
	_, err := Parse("bad.md", []byte(src))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != maxProblems+1 || !strings.Contains(ps[maxProblems].Msg, "and 4900 more problems") {
		t.Fatalf("%d problems, last %v", len(ps), ps[len(ps)-1])
	}
}

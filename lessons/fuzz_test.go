package lessons

import (
	"cmp"
	"context"
	"errors"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// FuzzLessonFile: a lesson file is data. Whatever its bytes, reading and
// checking it ends in a lesson or in problems with file:line, never a
// panic; its memory stays in proportion to its size (a repeat is not
// expanded); what it says stays within the documented bounds; and a small
// one plays to its end and closes every socket. Plays are bounded by
// counting steps, actions and idle/wait time, never by the wall clock.
func FuzzLessonFile(f *testing.F) {
	ents, _ := fs.ReadDir(builtinFS, "builtin")
	for _, e := range ents {
		b, _ := fs.ReadFile(builtinFS, "builtin/"+e.Name())
		f.Add(b)
	}
	lab := func(lines ...string) []byte {
		return []byte("# T\n\n## S\n\n```lab\n" + strings.Join(lines, "\n") + "\n```\n")
	}
	f.Add(lab("c.socket tcp", "c.recv 9223372036854775807"))
	f.Add(lab("c.socket udp", "c.recvfrom 1000000000000"))
	f.Add(lab("c.socket tcp", "c.bind [::1]:0", "c.connect [::1]:0"))
	f.Add(lab("c.socket udp", "c.sendto [::1]:9 \"x\"*65536"))
	f.Add(lab("s.serve echo 127.0.0.1:0 maxline=1", "c.socket tcp", "c.connect s", "c.sendall \"hi\\n\"*3", "c.recv 10", "c.close", "s.close"))
	f.Add(lab("s.socket udp6", "s.bind [::1]:0", "c.socket udp", "c.sendto s \"a\"", "s.recvfrom 5", "c.idle 1ms", "s.wait 1ms"))
	f.Fuzz(func(t *testing.T, src []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ls, err := loadFS(fstest.MapFS{"01-f.md": {Data: src}}, ".", "fuzz")
		runtime.ReadMemStats(&after)
		// Measured on the built-in lessons: 11 to 24 bytes allocated per
		// byte read; 256 leaves room and still catches an expansion.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20+256*uint64(len(src)) {
			t.Fatalf("reading %d bytes allocated %d", len(src), alloc)
		}
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error without problems: %v", err)
			}
			for _, p := range ps {
				if p.File != "fuzz/01-f.md" || p.Line < 1 || p.Msg == "" {
					t.Fatalf("problem without file:line: %+v", p)
				}
			}
			return
		}
		l := ls[0]
		var acts int
		var play time.Duration
		var sent int
		for _, s := range l.Steps {
			for _, a := range s.Actions {
				acts++
				switch a.Op {
				case "idle":
					play += a.wait
				case "wait":
					play += cmp.Or(a.wait, defaultWait)
				case "recv", "recvfrom", "echo":
					if a.n > MaxRecv {
						t.Fatalf("%s %d passed the parser", a.Op, a.n)
					}
				}
				sent += a.dataLen()
			}
		}
		if len(l.Steps) > MaxSteps || acts > MaxActions || play > MaxPlay || sent > MaxSendTotal {
			t.Fatalf("past a bound: %d steps, %d actions, %s idle/wait, %d bytes sent", len(l.Steps), acts, play, sent)
		}
		if !playable(l) {
			return
		}
		// A hang guard, not a speed: a playable lesson takes at most
		// (actions × WaitLimit + steps × Settle + its idle/wait) ≈ 3 s.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := Trace(ctx, io.Discard, 1, l, Options{Quiet: time.Millisecond, Settle: 20 * time.Millisecond, WaitLimit: 50 * time.Millisecond}); err != nil {
			t.Fatalf("play: %v", err)
		}
	})
}

// playable says whether the fuzzer plays a lesson: small ones only, and
// in the host's network (the kernel refused the private one) only those
// whose every literal address is loopback with port 0.
func playable(l *Lesson) bool {
	if len(l.Steps) > 8 {
		return false
	}
	var acts int
	var play time.Duration
	for _, s := range l.Steps {
		for _, a := range s.Actions {
			acts++
			switch a.Op {
			case "idle", "wait":
				play += max(a.wait, 50*time.Millisecond)
			case "bind", "connect", "sendto", "serve":
				if lit := a.addr.lit; !inPrivateNetwork && lit.IsValid() && (!lit.Addr().IsLoopback() || lit.Port() != 0) {
					return false
				}
			}
		}
	}
	return acts <= 40 && play <= 200*time.Millisecond
}

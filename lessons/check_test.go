package lessons

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readmeExample extracts the complete example lesson from README.md, so
// the authoring guide cannot drift from what the parser accepts.
func readmeExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)~~~markdown\n(.*?)\n~~~").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no ~~~markdown example")
	}
	return string(m[1]) + "\n"
}

func TestCheckGoodDirAndReadmeExamplePlays(t *testing.T) {
	parallel(t, rankOther) // a lab of its own, ports chosen by the kernel
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "01-hello.md"), []byte(readmeExample(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Check(dir); err != nil {
		t.Fatalf("Check: %v", err)
	}
	ls, err := Catalog(dir)
	if err != nil {
		t.Fatal(err)
	}
	l := ls[len(ls)-1]
	if l.Builtin || l.Title != "Hello, echo" || len(l.Steps) != 2 || l.Steps[1].Predict == nil {
		t.Fatalf("parsed %+v", l)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	ok, err := Trace(ctx, &out, len(ls), l, Options{})
	if err != nil || !ok {
		t.Fatalf("trace: ok=%v err=%v\n%s", ok, err, out.String())
	}
	if !strings.Contains(out.String(), `recv(`) || !strings.Contains(out.String(), `"hello"`) {
		t.Fatalf("trace lacks the real recv:\n%s", out.String())
	}
}

func TestCheckBrokenFiles(t *testing.T) {
	parallel(t, rankOther)
	cases := []struct {
		name, src, want string
	}{
		{"unknown action", "# T\n\n## S\n\n```lab\nserver.socket tcp\nserver.frobnicate 3\n```\n", "bad.md:7: unknown action \"frobnicate\""},
		{"no lab block", "# T\n\n## S\n\ntext only\n", "bad.md:3: step \"S\" has no lab block"},
		{"actor before socket", "# T\n\n## S\n\n```lab\nclient.connect 127.0.0.1:80\n```\n", "bad.md:6: actor \"client\" has no socket yet"},
		{"bad argument", "# T\n\n## S\n\n```lab\ns.socket sctp\n```\n", "bad.md:6: s.socket: \"sctp\": want one of"},
		{"rule before action", "# T\n\n## S\n\n```lab\ns.socket tcp\nexpect s.bind.ok\n```\n", "bad.md:7: expect: s.bind.ok: no s.bind action"},
		{"unknown field", "# T\n\n## S\n\n```lab\ns.socket tcp\nexpect s.socket.colour == 1\n```\n", "unknown field \"colour\""},
		{"unclosed fence", "# T\n\n## S\n\n```lab\ns.socket tcp\n", "bad.md:5: the lab block opened here is never closed"},
		{"one choice", "# T\n\n## S\n\n```predict\nQ?\n- only :: s.socket.ok\n```\n\n```lab\ns.socket tcp\n```\n", "bad.md:5: predict: want 2 to 9 choices"},
		{"no title", "## S\n\n```lab\ns.socket tcp\n```\n", "bad.md:1: no title"},
		{"accept without name", "# T\n\n## S\n\n```lab\ns.socket tcp\ns.accept\n```\n", "bad.md:7: accept needs a name"},
		{"prediction without hint", "# T\n\n## S\n\n```predict\nQ?\n- yes :: s.socket.ok\n- no :: !s.socket.ok\n```\n\n```lab\ns.socket tcp\n```\n", "bad.md:5: predict: add a ```hint block"},
		{"planted give-away", "# T\n\n## S\n\n```predict\nWill it be ESTABLISHED?\n- ESTABLISHED :: s.socket.state == ESTABLISHED\n- CLOSED :: s.socket.state == CLOSED\n```\n\n```hint\nh\n```\n\n```lab\ns.socket tcp\n```\n", "bad.md:5: predict: the question already says \"ESTABLISHED\""},
		{"misspelt state", "# T\n\n## S\n\n```lab\ns.socket tcp\nexpect s.socket.state == ESTABLISHD\n```\n", "bad.md:7: expect: s.socket.state compared with \"ESTABLISHD\": not a TCP state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "bad.md"), []byte(c.src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Check(dir)
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Check = %v, want Problems", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Check:\n%v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func TestBuiltinsParseAndAsk(t *testing.T) {
	parallel(t, rankOther)
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) < 12 {
		t.Fatalf("%d built-in lessons, want 12", len(ls))
	}
	for i, l := range ls {
		preds := 0
		for _, s := range l.Steps {
			if s.Predict != nil {
				preds++
			}
			if s.Python == "" || s.Go == "" {
				t.Errorf("%s: step %q lacks Python or Go code", l.ID, s.Title)
			}
		}
		if n := i + 1; n >= 2 && n <= 10 && preds == 0 {
			t.Errorf("lesson %d (%s) has no prediction", n, l.ID)
		}
	}
}

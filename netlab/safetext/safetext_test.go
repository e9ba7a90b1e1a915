package safetext

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestStringEscapesEveryHostileString(t *testing.T) {
	for _, h := range Hostile {
		for name, f := range map[string]func(string) string{"String": String, "Text": Text} {
			out := f(h)
			if r, bad := Raw(out); bad {
				t.Errorf("%s(%q) = %q: raw %U left", name, h, out, r)
			}
			if name == "String" && strings.ContainsAny(out, "\n\t") {
				t.Errorf("String(%q) = %q: a line break or tab left", h, out)
			}
		}
	}
}

func TestStringVisibleEscapes(t *testing.T) {
	cases := map[string]string{
		"plain 2+3 → 5 é 中": "plain 2+3 → 5 é 中",
		"a\nb\tc\rd":        `a\nb\tc\rd`,
		"\x1b[2J":           `\x1b[2J`,
		"\u009b":            `\u009b`,
		"x\u202ey":          `x\u202ey`,
		"\u2066\u200b":      `\u2066\u200b`,
		"bad\xff":           `bad\xff`,
		"\x7f":              `\x7f`,
		"\U000e0041":        `\U000e0041`,
		"real \ufffd stays": "real \ufffd stays",
	}
	for in, want := range cases {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Text("a\nb\tc\x1b"); got != "a\nb\tc\\x1b" {
		t.Errorf("Text kept the wrong things: %q", got)
	}
}

func TestJSONKeepsDataAndEscapesRaw(t *testing.T) {
	for _, h := range Hostile {
		doc, err := json.Marshal(map[string]string{"data_text": h})
		if err != nil {
			t.Fatal(err)
		}
		out := JSON(doc)
		if r, bad := Raw(string(out)); bad {
			t.Errorf("JSON(%s) = %s: raw %U left", doc, out, r)
		}
		var back map[string]string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("JSON(%s) = %s: no longer JSON: %v", doc, out, err)
		}
		// encoding/json already turned invalid UTF-8 into U+FFFD; the
		// rewrite must change nothing else.
		var orig map[string]string
		_ = json.Unmarshal(doc, &orig)
		if back["data_text"] != orig["data_text"] {
			t.Errorf("JSON changed the data: %q, want %q", back["data_text"], orig["data_text"])
		}
	}
}

func TestFindReportsPosition(t *testing.T) {
	if i, r := Find("ok\nline\tx\u202ey"); i != 9 || r != 0x202e {
		t.Errorf("Find = %d %U, want 9 U+202E", i, r)
	}
	if i, _ := Find("all fine é\n"); i != -1 {
		t.Errorf("Find on clean text = %d, want -1", i)
	}
}

func BenchmarkStringClean(b *testing.B) {
	s := strings.Repeat("2+3*4 = 14 ", 6)
	for b.Loop() {
		_ = String(s)
	}
}

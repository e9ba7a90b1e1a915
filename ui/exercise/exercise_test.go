package exercise

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	ex, err := Parse("# lab 1\nfive: student.requests >= 5\n\nstudent.connections >= 2 && student.errors == 0\nstudent.closed_cleanly\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 3 || ex[0].Name != "five" || ex[1].Name != "E2" || ex[2].Src != "student.closed_cleanly" {
		t.Fatalf("parsed %+v", ex)
	}
	for src, want := range map[string]string{
		"student.requestz >= 1":                  `line 1: reference student.requestz.ok: unknown call "requestz"`,
		"ok\nclient.connect.port > 1":            "line 2: reference client.connect.port: unknown call",
		"other.requests > 1":                     "an exercise speaks of student.FIELD",
		"# nothing\n":                            "no rule",
		"student.requests > 1\x1b[2J":            "line 1: control character U+001B",
		strings.Repeat("student.open > 0\n", 10): "10 rules: at most 9",
	} {
		if _, err := Parse(src); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}

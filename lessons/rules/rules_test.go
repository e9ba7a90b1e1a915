package rules

import (
	"errors"
	"strings"
	"testing"
)

var voc = Vocabulary{Calls: []string{"connect", "recv", "bind", "state"}, Fields: []string{"ok", "port", "data", "state", "errno", "blocked", "len"}}

// env is a fixed set of recorded values; a missing reference is an error,
// as a call that never ran.
type env map[string]Value

func (e env) Lookup(r Ref) (Value, error) {
	if v, ok := e[r.String()]; ok {
		return v, nil
	}
	return Value{}, errors.New("no " + r.Actor + "." + r.Call + " has run")
}

var rec = env{
	"c.connect.ok":      Bool(true),
	"c.connect.blocked": Bool(false),
	"c.connect.port":    Num(51234),
	"s.bind.port":       Num(1081),
	"c.connect.state":   Str("ESTABLISHED"),
	"c.recv.data":       Str("14\n"),
	"c.recv.len":        Num(3),
	"b.bind.errno":      Str("EADDRINUSE"),
	"b.bind.ok":         Bool(false),
}

// TestEval gives every operator true, false and error results, over each
// kind of value (number, text, state name, errno name, boolean).
func TestEval(t *testing.T) {
	for _, tc := range []struct {
		rule string
		want string // "true", "false" or "error"
	}{
		// numbers
		{"c.connect.port == 51234", "true"},
		{"c.connect.port == 51235", "false"},
		{"c.connect.port != s.bind.port", "true"},
		{"c.connect.port != 51234", "false"},
		{"s.bind.port < c.connect.port", "true"},
		{"c.connect.port < s.bind.port", "false"},
		{"c.recv.len <= 3", "true"},
		{"c.recv.len <= 2", "false"},
		{"c.connect.port > 1024", "true"},
		{"s.bind.port > 1081", "false"},
		{"c.recv.len >= 3", "true"},
		{"c.recv.len >= 4", "false"},
		{"c.recv.len >= -1", "true"},
		// text, state and errno names
		{`c.recv.data == "14\n"`, "true"},
		{`c.recv.data == "14"`, "false"},
		{`c.recv.data != "15\n"`, "true"},
		{`c.recv.data has "4"`, "true"},
		{`c.recv.data has "5"`, "false"},
		{"c.connect.state == ESTABLISHED", "true"},
		{"c.connect.state == LISTEN", "false"},
		{"c.connect.state != TIME_WAIT", "true"},
		{"b.bind.errno == EADDRINUSE", "true"},
		{"b.bind.errno == EACCES", "false"},
		{`c.recv.data < "z"`, "error"}, // order needs numbers
		{"c.connect.state >= 3", "error"},
		// booleans and logic
		{"c.connect.ok", "true"},
		{"c.connect", "true"}, // ACTOR.CALL means .ok
		{"b.bind.ok", "false"},
		{"!b.bind.ok", "true"},
		{"!c.connect.ok", "false"},
		{"c.connect.ok && !c.connect.blocked", "true"},
		{"c.connect.ok && b.bind.ok", "false"},
		{"b.bind.ok || c.connect.ok", "true"},
		{"b.bind.ok || c.connect.blocked", "false"},
		{"b.bind.ok && x.recv.ok", "false"}, // && stops at false: the missing call is not read
		{"c.connect.ok || x.recv.ok", "true"},
		{"(b.bind.ok || c.connect.ok) && c.recv.len == 3", "true"},
		{"c.connect.port == 51234 == true", "error"}, // comparisons do not chain
		{"c.connect.port && c.connect.ok", "error"},  // a number is not a condition
		{"!c.connect.port", "error"},
		{"x.recv.ok", "error"}, // never ran
		{"c.connect.ok || x.recv.len > 1", "true"},
		{"b.bind.ok || x.recv.len > 1", "error"},
		{"true", "true"},
		{"false", "false"},
	} {
		x, err := Parse(tc.rule, voc)
		if err != nil {
			if tc.want != "error" {
				t.Errorf("Parse(%q): %v", tc.rule, err)
			}
			continue
		}
		v, err := x.Eval(rec)
		got := "error"
		if err == nil {
			if b, terr := v.Truth(); terr == nil {
				got = map[bool]string{true: "true", false: "false"}[b]
			}
		}
		if got != tc.want {
			t.Errorf("%s = %s (value %q, err %v), want %s", tc.rule, got, v, err, tc.want)
		}
	}
}

// TestParseErrors: what a lesson author gets wrong is caught when the
// lesson is checked, with a message naming the mistake.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ rule, want string }{
		{"c.conect.ok", `unknown call "conect"`},
		{"c.connect.colour == 1", `unknown field "colour"`},
		{"c.connect.state == ESTABLISHD", `not a TCP state`},
		{"ESTABLISHD != c.connect.state", `not a TCP state`},
		{"c.connect.port ==", "end"},
		{"(c.connect.ok", ")"},
		{`c.recv.data == "unterminated`, "unterminated"},
		{"c.connect.ok c.connect.ok", "unexpected"},
		{"a.b.c.d", "ACTOR.CALL.FIELD"},
		{"9x.connect.ok", "bad number"},
		{"", ""},
	} {
		_, err := Parse(tc.rule, voc)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.rule, err, tc.want)
		}
	}
}

// FuzzRules: no input makes Parse or Eval panic, and a rule that parses
// evaluates to a value or an error, never both.
func FuzzRules(f *testing.F) {
	for _, s := range []string{"c.connect.ok", `c.recv.data has "4"`, "!(b.bind.ok || c.connect.port >= 3)", "c.connect.state == LISTEN", `"\x00" == 1`, "((((", "-9223372036854775808 < 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		x, err := Parse(src, voc)
		if err != nil {
			return
		}
		v, err := x.Eval(rec)
		if err != nil && v != (Value{}) {
			t.Fatalf("%q: both a value %q and an error %v", src, v, err)
		}
		_ = x.Refs()
	})
}

// TestLexEscapedQuote: a \" inside a string is part of the string, not its
// end, so a rule can compare text that contains a quote.
func TestLexEscapedQuote(t *testing.T) {
	toks, err := lexExpr(`c.recv.data == "say \"hi\"" && c.connect.ok`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"c.recv.data", "==", `"say \"hi\""`, "&&", "c.connect.ok"}
	if strings.Join(toks, "\x00") != strings.Join(want, "\x00") {
		t.Fatalf("tokens %q, want %q", toks, want)
	}
	quoted := env{"c.recv.data": Str(`say "hi"`), "c.connect.ok": Bool(true)}
	for rule, want := range map[string]bool{
		`c.recv.data == "say \"hi\""`: true,
		`c.recv.data has "\""`:        true,
		`c.recv.data == "say \"ho\""`: false,
	} {
		x, err := Parse(rule, voc)
		if err != nil {
			t.Fatalf("%s: %v", rule, err)
		}
		v, err := x.Eval(quoted)
		if err != nil {
			t.Fatalf("%s: %v", rule, err)
		}
		if v != Bool(want) {
			t.Errorf("%s = %v, want %v", rule, v, want)
		}
	}
	// A backslash at the very end escapes nothing left: still unterminated.
	if _, err := lexExpr(`c.recv.data == "a\"`); err == nil {
		t.Error(`"a\" lexed as a complete string`)
	}
}

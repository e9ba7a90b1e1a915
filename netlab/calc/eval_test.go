package calc

import (
	"errors"
	"strings"
	"testing"
)

func TestEvalValues(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		// The examples from the specification.
		{"7/2", "3.5"},
		{"-7//2", "-4"},
		{"-7%3", "2"},
		{"7.5//2", "3.0"},
		{"2**-1", "0.5"},
		{"0.1+0.2", "0.30000000000000004"},
		{"1e3", "1000.0"},
		{"2**100", "1267650600228229401496703205376"},
		{"-3**2", "-9"},
		{"2**3**2", "512"},
		{"round(2.5)", "2"},

		// Literals.
		{"0", "0"},
		{"00", "0"},
		{"42", "42"},
		{"3.14", "3.14"},
		{".5", "0.5"},
		{"5.", "5.0"},
		{"1E-3", "0.001"},
		{"2.5e+2", "250.0"},
		{"1.e3", "1000.0"},
		{"1_000_000", "1000000"},
		{"0x1F", "31"},
		{"0o17", "15"},
		{"0b1010", "10"},
		{"0x_ff", "255"},
		{"1e400", "inf"},
		{"-1e400", "-inf"},
		{"1e-400", "0.0"},
		{"123456789012345678901234567890", "123456789012345678901234567890"},

		// Precedence and associativity.
		{"1+2*3", "7"},
		{"(1+2)*3", "9"},
		{"10-4-3", "3"},
		{"100/10/5", "2.0"},
		{"2*3**2", "18"},
		{"-2**2", "-4"},
		{"(-2)**2", "4"},
		{"2**-2", "0.25"},
		{"2^10", "1024"},
		{"2^3^2", "512"},
		{"-2^2", "-4"},
		{"2**-3**2", "0.001953125"},
		{"8 // 3 * 3 + 8 % 3", "8"},
		{"7 - -2", "9"},
		{"1 + 2 * 3 - 4 / 2", "5.0"},

		// Unary chains.
		{"--3", "3"},
		{"-(-3)", "3"},
		{"+-+3", "-3"},
		{"- - - 3", "-3"},
		{"-+-+-1.5", "-1.5"},
		{"-0", "0"},

		// Division family, Python semantics.
		{"7//2", "3"},
		{"7//-2", "-4"},
		{"-7//-2", "3"},
		{"7%-3", "-2"},
		{"-7%-3", "-1"},
		{"-7.5//2", "-4.0"},
		{"-7.5%2", "0.5"},
		{"7.5%-2", "-0.5"},
		{"6%3.0", "0.0"},
		{"-6%3.0", "0.0"},
		{"6%-3.0", "-0.0"},
		{"1/3", "0.3333333333333333"},
		{"2/3", "0.6666666666666666"},
		{"4/2", "2.0"},
		{"0/-5", "-0.0"},
		{"-0.0/5", "-0.0"},
		{"10**400/10**399", "10.0"},
		{"(10**30+1)/10**30", "1.0"},
		{"2**1100/3**600", "7.24840412057269e+44"},
		{"1/2**1074", "5e-324"},
		{"1/2**1075", "0.0"},
		{"3/2**1076", "5e-324"},
		{"9007199254740993/1", "9007199254740992.0"},
		{"1e308*10", "inf"},
		{"-1e308*10", "-inf"},
		{"1e308*10-1e308*10", "nan"},

		// Powers.
		{"0**0", "1"},
		{"0.0**0", "1.0"},
		{"(-2)**3", "-8"},
		{"(-1)**1001", "-1"},
		{"1**(10**100)", "1"},
		{"4**0.5", "2.0"},
		{"2.0**10", "1024.0"},
		{"10**-400", "0.0"},
		{"(-8.0)**3", "-512.0"},
		{"(-2.0)**-1", "-0.5"},
		{"1.1**2", "1.2100000000000002"},
		{"0.0**3", "0.0"},
		{"(-0.0)**3", "-0.0"},

		// Float formatting, Python repr.
		{"1e16", "1e+16"},
		{"1e15", "1000000000000000.0"},
		{"9999999999999998.0", "9999999999999998.0"},
		{"1e-5", "1e-05"},
		{"1.5e-5", "1.5e-05"},
		{"0.0001", "0.0001"},
		{"123456789012345678.0", "1.2345678901234568e+17"},
		{"-0.0", "-0.0"},
		{"0.0", "0.0"},
		{"1e100", "1e+100"},
		{"1.7976931348623157e308", "1.7976931348623157e+308"},
		{"5e-324", "5e-324"},
		{"2.5", "2.5"},
		{"100.0", "100.0"},
		{"1e22", "1e+22"},
		{"0.1", "0.1"},

		// Mixed int and float.
		{"1+1.0", "2.0"},
		{"2**53+1.0", "9007199254740992.0"},
		{"3*0.1", "0.30000000000000004"},

		// Functions.
		{"abs(-3)", "3"},
		{"abs(-3.5)", "3.5"},
		{"abs(-0.0)", "0.0"},
		{"round(3.5)", "4"},
		{"round(-2.5)", "-2"},
		{"round(-0.5)", "0"},
		{"round(7)", "7"},
		{"round(3.14159, 2)", "3.14"},
		{"round(2.675, 2)", "2.67"},
		{"round(1234.5, -1)", "1230.0"},
		{"round(1235, -1)", "1240"},
		{"round(1245, -1)", "1240"},
		{"round(-1250, -2)", "-1200"},
		{"round(5, -10**9)", "0"},
		{"round(5.5, -10**9)", "0.0"},
		{"round(-5.5, -10**9)", "-0.0"},
		{"round(2.5, 10**9)", "2.5"},
		{"round(-0.4, 0)", "-0.0"},
		{"round(1e300)", "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"},
		{"sqrt(16)", "4.0"},
		{"sqrt(2)", "1.4142135623730951"},
		{"sqrt(-0.0)", "-0.0"},
		{"sqrt(1e400)", "inf"},
		{"min(3, 1, 2)", "1"},
		{"max(3, 1, 2)", "3"},
		{"max(1, 2.0, 2)", "2.0"},
		{"max(2, 2.0)", "2"},
		{"min(2**60+1, 2.0**60)", "1.152921504606847e+18"},
		{"max(2**60+1, 2.0**60)", "1152921504606846977"},
		{"min(5)", "5"},
		{"max(1, 2,)", "2"},
		{"abs(-3,)", "3"},
		{"min(1e400-1e400, 1)", "nan"},
		{"min(1, 1e400-1e400)", "1"},

		// Whitespace and Windows line endings.
		{" 1 +\t2 ", "3"},
		{"1+2\r", "3"},
		{"( 1 + 2 ) * 3\r", "9"},
		{"abs ( -3 )", "3"},
	}
	for _, tc := range tests {
		got, err := Eval(tc.in)
		if err != nil {
			t.Errorf("Eval(%q): unexpected error %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Eval(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEvalLargeInts(t *testing.T) {
	t.Parallel()
	got, err := Eval("2**99999")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 30103 || !strings.HasPrefix(got, "4995010465") {
		t.Errorf("2**99999: got %d digits starting %.10s", len(got), got)
	}
	got, err = Eval("-(10**30000)")
	if err != nil {
		t.Fatal(err)
	}
	if got != "-1"+strings.Repeat("0", 30000) {
		t.Errorf("-(10**30000): wrong result of length %d", len(got))
	}
}

func TestEvalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"1+2)", "unexpected ')' at column 4"},
		{"(1+2))", "unexpected ')' at column 6"},
		{"1/0", "division by zero"},
		{"1//0", "division by zero"},
		{"1%0", "division by zero"},
		{"1.0/0", "division by zero"},
		{"1.5//0.0", "division by zero"},
		{"1.5%0", "division by zero"},
		{"0**-1", "division by zero"},
		{"0.0**-2.5", "division by zero"},
		{"x", "unknown name 'x' at column 1"},
		{"2*pi", "unknown name 'pi' at column 3"},
		{"__import__('os').system('ls')", "unknown name '__import__' at column 1"},
		{"ABS(1)", "unknown name 'ABS' at column 1"},
		{"1+", "unexpected end of expression"},
		{"-", "unexpected end of expression"},
		{"2**", "unexpected end of expression"},
		{"1 $ 2", "invalid character '$' at column 3"},
		{"1 + 'a'", `invalid character "'" at column 5`},
		{"é$", "unknown name 'é' at column 1"},
		{"éé + $", "unknown name 'éé' at column 1"},
		{"(1) + ä", "unknown name 'ä' at column 7"},
		{"1 + \x01", "invalid character U+0001 at column 5"},
		{"1 < 2", "operator '<' is not supported at column 3"},
		{"1 == 1", "operator '=' is not supported at column 3"},
		{"", "empty expression"},
		{"   \t", "empty expression"},
		{"\r", "empty expression"},
		{"(1+2", "missing ')' to match the '(' at column 1"},
		{"abs(3", "missing ')' to match the '(' at column 4"},
		{"(1 2)", "unexpected '2' at column 4"},
		{"()", "unexpected ')' at column 2"},
		{"(1,2)", "unexpected ',' at column 3"},
		{"1 2", "unexpected '2' at column 3"},
		{"* 2", "unexpected '*' at column 1"},
		{"1 ** * 2", "unexpected '*' at column 6"},
		{"9**9**9", "result too large"},
		{"10**10**10", "result too large"},
		{"2**2**2**2**2**2", "result too large"},
		{"(10**4000)**(10**4000)", "result too large"},
		{"2**100000", "result too large"},
		{"2**99999*2", "result too large"},
		{"(-2)**100000", "result too large"},
		{"10.0**400", "result too large"},
		{"(-10.0)**401", "result too large"},
		{"2**2000/2**-2000", "int too large to convert to float"},
		{"2**2000/3**-1", "int too large to convert to float"},
		{"10**400*1.0", "int too large to convert to float"},
		{"(2**2000)**-1", "int too large to convert to float"},
		{"sqrt(10**400)", "int too large to convert to float"},
		{"2**2000/3", "result too large"},
		{"sqrt(-1)", "math domain error"},
		{"sqrt(-1e400)", "math domain error"},
		{"(-8)**(1/3)", "negative number cannot be raised to a fractional power"},
		{"round(1e400)", "cannot convert float infinity to integer"},
		{"round(1e400-1e400)", "cannot convert float NaN to integer"},
		{"round(1.5, 1.0)", "round() needs a whole number of digits, not 1.0"},
		{"round(1.7e308, -308)", "result too large"},
		{"min()", "min() takes at least 1 argument (0 given) at column 1"},
		{"1+max()", "max() takes at least 1 argument (0 given) at column 3"},
		{"abs(1, 2)", "abs() takes exactly 1 argument (2 given) at column 1"},
		{"abs()", "abs() takes exactly 1 argument (0 given) at column 1"},
		{"sqrt(1, 2)", "sqrt() takes exactly 1 argument (2 given) at column 1"},
		{"round(1, 2, 3)", "round() takes 1 or 2 arguments (3 given) at column 1"},
		{"round()", "round() takes 1 or 2 arguments (0 given) at column 1"},
		{"abs", "'abs' is a function; call it like abs(-3) at column 1"},
		{"2 * sqrt", "'sqrt' is a function; call it like sqrt(2) at column 5"},
		{"min(,)", "unexpected ',' at column 5"},
		{"abs(1,,)", "unexpected ',' at column 7"},
		{"0123", "invalid number '0123' (leading zeros are not allowed) at column 1"},
		{"1e", "invalid number '1e' at column 1"},
		{"1e+", "invalid number '1e+' at column 1"},
		{"1_", "invalid number '1_' at column 1"},
		{"1__0", "invalid number '1__0' at column 1"},
		{"2abs(3)", "invalid number '2abs' at column 1"},
		{"3j", "invalid number '3j' at column 1"},
		{"0x", "invalid number '0x' at column 1"},
		{"0b12", "invalid number '0b12' at column 1"},
		{"1.2.3", "invalid number '1.2.3' at column 1"},
		{"1 .", "unexpected '.' at column 3"},
		{"1\x002", "NUL byte at column 2"},
		{"1 " + strings.Repeat("9", 4000), "unexpected '999999999999999999999999...' at column 3"},
		{strings.Repeat("y", 4000), "unknown name 'yyyyyyyyyyyyyyyyyyyyyyyy...' at column 1"},
		{"é\x00", "unknown name 'é' at column 1"},
		{"1+\x00", "NUL byte at column 3"},
		{"ab\xffc", "invalid UTF-8 at byte 3"},
		{"\xc3", "invalid UTF-8 at byte 1"},
		{strings.Repeat("1", MaxInputLen+1), "request too long (limit 4096 bytes)"},
		{strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000), "request too long (limit 4096 bytes)"},
		{strings.Repeat("(", 65) + "1" + strings.Repeat(")", 65), "nesting too deep (limit 64) at column 65"},
		{strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000), "nesting too deep (limit 64) at column 65"},
		{strings.Repeat("-", 65) + "1", "nesting too deep (limit 64) at column 65"},
		{strings.Repeat("abs(", 65) + "1" + strings.Repeat(")", 65), "nesting too deep (limit 64) at column 260"},
		{"1" + strings.Repeat("**1", 65), "nesting too deep (limit 64) at column 194"},
	}
	for _, tc := range tests {
		got, err := Eval(tc.in)
		if err == nil {
			t.Errorf("Eval(%.40q) = %q, want error %q", tc.in, got, tc.want)
			continue
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("Eval(%.40q): error %T is not *Error", tc.in, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Eval(%.40q): error %q, want %q", tc.in, err.Error(), tc.want)
		}
		if got != "" {
			t.Errorf("Eval(%.40q): result %q alongside an error", tc.in, got)
		}
	}
}

// Exactly at the limits must still work.
func TestEvalLimits(t *testing.T) {
	t.Parallel()
	ok := []string{
		strings.Repeat("(", MaxDepth) + "1" + strings.Repeat(")", MaxDepth),
		strings.Repeat("-", MaxDepth) + "1",
		strings.Repeat("1", MaxInputLen),
		"1" + strings.Repeat("**1", MaxDepth),
		strings.Repeat("1+", MaxInputLen/2-1) + "1",
		"2**" + "99999",
		"round(3**60000, -100)",
	}
	for _, in := range ok {
		if _, err := Eval(in); err != nil {
			t.Errorf("Eval(%.40q...): %v", in, err)
		}
	}
}

func TestErrorFormatting(t *testing.T) {
	t.Parallel()
	if got := (&Error{Msg: "boom"}).Error(); got != "boom" {
		t.Errorf("got %q", got)
	}
	if got := (&Error{Msg: "boom", Col: 3}).Error(); got != "boom at column 3" {
		t.Errorf("got %q", got)
	}
}

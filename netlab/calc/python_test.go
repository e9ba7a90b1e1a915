package calc

import (
	"bufio"
	"context"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/testpython"
)

// pythonCases are valid in both languages (after "^" becomes "**"); Python
// is the oracle for their results, or for the fact that they fail.
var pythonCases = []string{
	"1+2", "7/2", "-7//2", "-7%3", "7.5//2", "2**-1", "0.1+0.2", "1e3", "2**100",
	"-3**2", "2**3**2", "2^10", "2^-2", "-2^2", "(-2)^3", "2**-3**2", "1e16", "1e-5", "0.0001",
	"123456789012345678.0", "1/3", "2/3", "-0.0", "--3", "-(-3)", "+-+3", "- - - 3",
	"round(2.5)", "round(3.5)", "round(-2.5)", "round(0.5)", "round(-0.5)", "round(1.5)",
	"round(3.14159, 2)", "round(2.675, 2)", "round(1234.5, -1)", "round(1235, -1)",
	"round(1245, -1)", "round(-1250, -2)", "round(-0.4, 0)", "round(0.125, 2)",
	"round(0.375, 2)", "round(5.5, -1)", "round(15.0, -1)", "round(25.0, -1)",
	"round(1e300)", "round(1.5e300, -299)", "round(123.456, -2)", "round(7, 0)",
	"round(-7.25, 1)", "round(2.5, 0)", "round(1e-300, 310)", "round(1.7e308, -307)",
	"round(99, -2)", "round(50, -2)", "round(150, -2)", "round(-150, -2)",
	"round(12345678901234567890123, -10)", "round(0.1, 400)", "round(1.5, -400)",
	"abs(-3)", "abs(-3.5)", "abs(-0.0)", "abs(2**70)", "abs(-2**70)",
	"sqrt(16)", "sqrt(2)", "sqrt(0.25)", "sqrt(-0.0)", "sqrt(10**300)", "sqrt(1e308)",
	"sqrt(2**1000)", "sqrt(3)", "sqrt(1e-300)",
	"min(3, 1, 2)", "max(3, 1, 2)", "max(1, 2.0, 2)", "max(2, 2.0)", "min(2.0, 2)",
	"min(2**60+1, 2.0**60)", "max(2**60+1, 2.0**60)", "max(1, 2,)",
	"min(-0.0, 0)", "min(0, -0.0)", "max(10**400, 1e308)", "min(10**400, 1e308)",
	"min(1e308*10-1e308*10, 1)", "min(1, 1e308*10-1e308*10)", "max(-1e400, -10**500)",
	"1e16+1", "1e15+0.3", "2**53+1.0", "2**53+1", "(2**53+1)/1", "9007199254740993/1",
	"10**400/10**399", "(10**30+1)/10**30", "2**1100/3**600", "1/2**1074", "1/2**1075",
	"3/2**1076", "2**1074/2**2148", "(2**1024-2**971)/1",
	"(2**1024-2**971-1)/1", "12345678901234567890/987654321", "-1/3", "1/-3", "0/-5",
	"-0.0/5", "10**20/3", "2**64/7", "(3**200)/(7**90)", "7**90/3**200",
	"1e308*10", "-1e308*10", "1e308+1e308", "1e-320/1e10", "5e-324/2", "5e-324*0.5",
	"7//2", "7//-2", "-7//-2", "7%-3", "-7%-3", "-7.5//2", "-7.5%2", "7.5%-2",
	"6%3.0", "-6%3.0", "6%-3.0", "-6.0//3", "0.0//-1", "-0.0%5", "5%1e308",
	"-5%1e308", "1e308%-3", "10**30%7", "-10**30%7", "10**30//-7", "10**30%7.0",
	"7.0//0.1", "7.0%0.1", "1%0.1", "-1%0.1", "1//0.1", "2**0.5", "4**0.5",
	"0.25**0.5", "2.0**10", "10**-400", "(-8.0)**3", "(-2.0)**-1", "1.1**2",
	"1.1**100", "0.9**1000", "1.0001**100000", "0.0**3", "(-0.0)**3", "(-0.0)**2",
	"0**0", "0.0**0", "(-1)**1001", "(-1)**(10**100)", "1**(10**100)",
	"(-1.0)**1e300", "(-1.5)**3", "1.5**-3", "10**-3", "(-10)**-3", "2**-1074",
	"2**-1075", "2.0**-1074", "2**1023*1.0", "2.0**1023", "1e308*1.5",
	"(1e308*10)**0", "(1e308*10)**-1", "(-1e308*10)**3", "(-1e308*10)**2",
	"(-1e308*10)**-3", "0.5**(1e308*10)", "2**(1e308*10)", "2**(-1e308*10)",
	"1**(1e308*10-1e308*10)", "(1e308*10-1e308*10)**0",
	"1+2*3", "(1+2)*3", "10-4-3", "100/10/5", "2*3**2", "8 // 3 * 3 + 8 % 3",
	"7 - -2", "1 + 2 * 3 - 4 / 2", "(((1)))", "-(2**64)", "-2**64", "2**64-1",
	"(2**64-1)*(2**64+1)", "3**200 // 7**50", "3**200 % 7**50", "-(3**200) // 7**50",
	"-(3**200) % 7**50", "3**200 % -7**50", "12345678901234567890*98765432109876543210",
	"1_000*1_000", "0x1F+0o17+0b1010", "0xff**3", ".5+5.", "1.e3", "1E-3", "2.5e+2",
	"1e400", "-1e400", "1e-400", "1e308*10-1e308*10", "1.7976931348623157e308",
	"5e-324", "1e22", "1e21", "1e23", "0.1", "100.0", "9999999999999998.0", "1e15",
	"123456.789e3", "0.000123456789", "1234567890123456.7", "12345678901234567.0",
	"1/7", "22/7", "355/113", "2**0.5*2**0.5", "0.1*3", "0.7+0.1", "0.3-0.1",
	"1 - 0.9", "4.35*100", "1.1*1.1", "3*0.1", "1e300*1e10", "1e-300*1e-10",
	"abs(-1e308*10)", "round(-1.5)", "round(2**70 + 0.0)", "max(1, 2, 3, 4, 5, 0.5)",
	"abs(round(-2.5, 0))", "sqrt(abs(-16))", "min(max(1, 2), max(3, 0))",
	" 1 +\t2 ", "(1e308*10)//1", "(1e308*10)%1", "1%(1e308*10)",
}

// pythonErrorCases must fail in both; Python raises quickly for each.
var pythonErrorCases = []string{
	"1/0", "1//0", "1%0", "1.0/0", "1.5//0.0", "1.5%0", "0**-1", "0.0**-2.5",
	"10.0**400", "(-10.0)**401", "2**2000/2**-2000", "10**400*1.0", "(2**2000)**-1",
	"sqrt(10**400)", "2**2000/3", "sqrt(-1)", "sqrt(-1e400)", "round(1e400)",
	"round(1e308*10-1e308*10)", "round(1.5, 1.0)", "round(1.7e308, -308)",
	"min()", "max()", "abs(1, 2)", "abs()", "sqrt(1, 2)", "round(1, 2, 3)", "round()",
	"x", "__import__('os').system('ls')", "1+", "(1+2", "1)",
	"0123", "1e", "1_", "3 $ 4", "1.5**(10**400)", "2**1024.0", "1e308**2",
	"(-1e308)**3", "10**400 // 1.0", "10**400 % 1.0", "10**400 - 1.0",
	"(2**1024-2**970)/1", "min(5, 6, 7, 8, x)",
}

const pythonOracle = `
import sys, math
try:
    import resource  # a case that explodes must fail, not eat the machine
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
except Exception:
    pass
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)
env = {"__builtins__": {}, "abs": abs, "round": round, "min": min, "max": max, "sqrt": math.sqrt}
for line in sys.stdin:
    expr = line.rstrip("\n")
    try:
        r = eval(expr, env)
        if isinstance(r, complex):
            print("COMPLEX")
        else:
            print("OK " + repr(r))
    except BaseException as e:
        print("ERR " + type(e).__name__)
    sys.stdout.flush()
`

func runPython(t *testing.T, exprs []string) []string {
	t.Helper()
	argv := testpython.Argv(t, "-c", pythonOracle)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var in strings.Builder
	for _, e := range exprs {
		in.WriteString(strings.ReplaceAll(e, "^", "**") + "\n")
	}
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != len(exprs) {
		t.Fatalf("python3 answered %d lines for %d expressions", len(lines), len(exprs))
	}
	return lines
}

// closeFloats allows for non-integral powers, where CPython's platform libm
// and Go's math.Pow can legitimately differ in the last bit.
func closeFloats(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return false
	}
	return math.Abs(x-y) <= 2*math.Abs(math.Nextafter(x, math.Inf(1))-x)
}

func TestAgainstPython(t *testing.T) {
	t.Parallel() // it waits on python3
	got := runPython(t, pythonCases)
	for i, e := range pythonCases {
		want := got[i]
		res, err := Eval(e)
		switch {
		case !strings.HasPrefix(want, "OK "):
			t.Errorf("%q: python says %s (case belongs in pythonErrorCases?)", e, want)
		case err != nil:
			t.Errorf("%q: Eval error %v, python %s", e, err, want)
		case res != want[3:] && !(strings.Contains(e, "**") && closeFloats(res, want[3:])):
			t.Errorf("%q: Eval %s, python %s", e, res, want[3:])
		}
	}
	got = runPython(t, pythonErrorCases)
	for i, e := range pythonErrorCases {
		if !strings.HasPrefix(got[i], "ERR ") {
			t.Errorf("%q: python does not raise but says %s", e, got[i])
		}
		if res, err := Eval(e); err == nil {
			t.Errorf("%q: Eval = %s, python raises %s", e, res, got[i][4:])
		}
	}
}

// TestAgainstPythonGrid combines operands and operators exhaustively, so
// that sign and type combinations nobody thought of get compared too. When
// Python raises, Eval must fail; when Python gives a complex number, Eval
// must fail (documented difference); otherwise the results must agree,
// up to 2 ulp for non-integral powers (platform libm).
func TestAgainstPythonGrid(t *testing.T) {
	t.Parallel() // it waits on python3
	operands := []string{"7", "-7", "2", "-3", "0", "1", "0.5", "-2.5", "3.0",
		"-0.0", "10**20", "-(10**20)", "1e300", "1e-300", "(1e308*10)", "(-1e308*10)", "0.1"}
	ops := []string{"+", "-", "*", "/", "//", "%", "**"}
	var exprs []string
	for _, a := range operands {
		for _, op := range ops {
			for _, b := range operands {
				if op == "**" && b == "10**20" && !strings.Contains(a, ".") && !strings.Contains(a, "e") {
					continue // an exact int power with 10**20 digits: Python would never finish
				}
				exprs = append(exprs, "("+a+")"+op+"("+b+")")
			}
		}
	}
	for _, a := range operands {
		for _, b := range operands {
			exprs = append(exprs, "min("+a+", "+b+")", "max("+a+", "+b+")")
		}
		exprs = append(exprs, "abs("+a+")", "round("+a+")", "sqrt("+a+")",
			"round("+a+", 1)", "round("+a+", -1)", "-"+a+"**2")
	}
	got := runPython(t, exprs)
	for i, e := range exprs {
		want := got[i]
		res, err := Eval(e)
		switch {
		case strings.HasPrefix(want, "ERR "), want == "COMPLEX":
			if err == nil {
				t.Errorf("%q: Eval = %s, python %s", e, res, want)
			}
		case err != nil:
			t.Errorf("%q: Eval error %v, python %s", e, err, want)
		case res != want[3:] && !(strings.Contains(e, "**") && closeFloats(res, want[3:])):
			t.Errorf("%q: Eval %s, python %s", e, res, want[3:])
		}
	}
	t.Logf("compared %d grid expressions with python3", len(exprs))
}

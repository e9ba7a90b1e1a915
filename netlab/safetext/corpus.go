package safetext

// Hostile is a corpus of strings a student, a server or a lesson file may
// send to a printer to take over a terminal or lie on it. Every printer's
// test runs it through and checks the output with Raw. It is exported so
// the tests of netlab, lessons, ui and the commands share one list.
var Hostile = []string{
	"\x1b[2J\x1b[Hcleared",                // ESC: clear the screen
	"\x1b]0;owned\x07title",               // OSC 0: set the window title
	"\x1b]52;c;aGk=\x07clip",              // OSC 52: write the clipboard
	"\u009b2Jc1-csi",                      // C1 CSI as UTF-8
	"\u009d0;t\u009cc1-osc",               // C1 OSC … ST
	"line\u0085nel",                       // C1 NEL
	"2+2 \u2192 \u202e5 = 4",              // RLO: reorders the row
	"\u2066isolate\u2069 \u2067rtl\u2069", // bidi isolates
	"zero\u200bwidth\u200d\u2060\ufeff",   // zero-width and BOM
	"bell\x07 del\x7f nul\x00 bs\x08",     // C0 and DEL
	"cr\roverwrite",                       // carriage return
	"bad\xff\xfe utf8 \xc3",               // invalid UTF-8
	"sep\u2028para\u2029end",              // line and paragraph separators
	"tag\U000e0041\U000e007f",             // tag characters
	"<script>alert(1)</script> **bold** [x](javascript:y) `code` | pipe",
}

// Raw returns the first rune of out that must not reach a terminal raw
// (a C0 control other than newline and tab, DEL, C1, a format or
// separator character, invalid UTF-8), and whether there was one.
func Raw(out string) (rune, bool) {
	i, r := Find(out)
	return r, i >= 0
}

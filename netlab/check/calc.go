package check

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/socklab/socklab/netlab/calc"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
)

// pythonCases are the expressions a calculator server is asked, each with
// what it shows of Python's semantics. The expected answers are not
// written here: they are socklab's calculator's (netlab/calc), which
// follows Python 3 and is tested against it.
var pythonCases = []struct{ expr, why string }{
	{"2+3*4", "* binds tighter than +"},
	{"7/2", "/ is true division: an int divided by an int is a float"},
	{"7//2", "// is floor division"},
	{"-7//2", "// rounds toward minus infinity, not toward zero"},
	{"-7%3", "% takes the sign of the divisor"},
	{"2**100", "Python's integers are exact and unbounded"},
	{"0.1+0.2", "floats print as repr() does: the shortest string that reads back the same"},
}

// reference is socklab's calculator's answer to expr.
func reference(expr string) string {
	v, err := calc.Eval(expr)
	if err != nil {
		return "error: " + err.Error()
	}
	return v
}

// calcProbe asks 6*7 and wants 42.
func calcProbe(ctx context.Context, c *service.Client) error {
	got, err := ask(ctx, c, "6*7")
	if err == nil && got != "42" {
		err = fmt.Errorf("asked 6*7, got %q", got)
	}
	return err
}

func runCalcServer(ctx context.Context, cfg Config, report func(Result)) ([]Result, error) {
	g := &echoServer{cfg: cfg, service: service.Calc, probe: calcProbe}
	return g.run(ctx, func() []serverCheck {
		return []serverCheck{
			{"answers an expression", g.answersAnExpression},
			{"serves a second client without restarting", g.servesASecondClient},
			{"follows Python's arithmetic", g.followsPython},
			{"answers a bad expression and goes on", g.answersABadExpression},
			{"answers two clients at once or says it is sequential", g.twoAtOnce},
			{"closes its connection sockets", g.closesItsSockets},
			{"survives a client that resets", g.survivesAReset},
		}
	}, report)
}

// replyPause: a reply without a newline (the seed's server sends
// str(result) alone) is taken as whole once the server has sent nothing
// more for this long. A server sends its reply with one send, so the
// pause only ends what has already all arrived; it is short because
// "follows Python's arithmetic" waits it once per expression.
const replyPause = 300 * time.Millisecond

// ask sends expr and a newline (Python's eval, int() and float() accept
// it, so a server written for the seed's client, which sends no newline,
// answers it too), then reads the reply up to its newline, or up to a
// pause, and returns it without surrounding space.
//
// The pause is a context of its own, not a read deadline: a recv with a
// context that has a deadline replaces the socket's read deadline by it.
func ask(ctx context.Context, c *service.Client, expr string) (string, error) {
	if err := c.S.SendAll(ctx, []byte(expr+"\n")); err != nil {
		return "", err
	}
	var got []byte
	for {
		if i := bytes.IndexByte(got, '\n'); i >= 0 {
			return strings.TrimSpace(string(got[:i])), nil
		}
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if len(got) > 0 {
			rctx, cancel = context.WithTimeout(ctx, replyPause)
		}
		p, err := c.S.Recv(rctx, 1024)
		paused := rctx.Err() != nil && ctx.Err() == nil
		cancel()
		switch {
		case err != nil && len(got) > 0 && paused:
			return strings.TrimSpace(string(got)), nil
		case err != nil:
			return strings.TrimSpace(string(got)), err
		case len(p) == 0 && len(got) > 0:
			return strings.TrimSpace(string(got)), nil
		case len(p) == 0:
			return "", service.ErrClosedByPeer
		}
		got = append(got, p...)
	}
}

func (g *echoServer) answersAnExpression(ctx context.Context) (bool, string, []string) {
	c, name, err := g.dial(ctx)
	if err != nil {
		return false, name + " could not connect: " + err.Error() + explainEnd(g.s), lines(programCalls(g.s), 6)
	}
	defer closeClient(ctx, c)
	got, err := ask(ctx, c, "2+3")
	if err != nil || got != "5" {
		return false, fmt.Sprintf("%s sent \"2+3\\n\" and got %q back%s", name, got, errText(err)) + output(g.s), lines(programCalls(g.s), 8)
	}
	return true, name + " sent \"2+3\\n\" and got 5", nil
}

func (g *echoServer) followsPython(ctx context.Context) (bool, string, []string) {
	c, name, err := g.dial(ctx)
	if err != nil {
		return false, name + " could not connect: " + err.Error() + explainEnd(g.s), lines(programCalls(g.s), 6)
	}
	defer closeClient(ctx, c)
	var wrong []string
	for i, tc := range pythonCases {
		want := reference(tc.expr)
		got, err := ask(ctx, c, tc.expr)
		if err != nil {
			what := fmt.Sprintf("%s asked %d expressions on one connection; at %q%s", name, i+1, tc.expr, errText(err))
			if i > 0 {
				what += ". Keep the connection until the client closes (recv() returns 0): answer each request on it."
			}
			return false, strings.Join(append(wrong, what), "; ") + output(g.s), lines(programCalls(g.s, event.OpRecv, event.OpSend, event.OpClose), 4)
		}
		if got != want {
			wrong = append(wrong, fmt.Sprintf("%s: your server answered %q, Python says %s (%s)", tc.expr, got, want, tc.why))
		}
	}
	if len(wrong) > 0 {
		return false, strings.Join(wrong, "; "), nil
	}
	return true, fmt.Sprintf("%s asked %d expressions on one connection; every answer is Python's", name, len(pythonCases)), nil
}

func (g *echoServer) answersABadExpression(ctx context.Context) (bool, string, []string) {
	c, name, err := g.dial(ctx)
	if err != nil {
		return false, name + " could not connect: " + err.Error() + explainEnd(g.s), lines(programCalls(g.s), 6)
	}
	defer closeClient(ctx, c)
	const bad = "1/0"
	got, err := ask(ctx, c, bad)
	if err != nil {
		what := fmt.Sprintf("%s sent %q and got no answer%s", name, bad, errText(err))
		g.backOrEnded(ctx, g.acceptOf(c))
		select {
		case <-g.s.Prog.Done():
			if ex, werr := g.s.Prog.Wait(); werr == nil {
				what += "; the program ended (" + ex.String() + ")"
			}
		default:
		}
		what += fmt.Sprintf(". Evaluating it fails; answer with an error line (socklab's calculator says %q) and go on serving.", reference(bad))
		return false, what + output(g.s), lines(programCalls(g.s), 6)
	}
	next, err := ask(ctx, c, "1+1")
	if err != nil || next != "2" {
		return false, fmt.Sprintf("%s sent %q and got %q, then sent \"1+1\" on the same connection and got %q%s: after an error, go on serving the connection",
			name, bad, got, next, errText(err)), lines(programCalls(g.s), 6)
	}
	return true, fmt.Sprintf("%s sent %q and got %q (socklab's calculator says %q), then \"1+1\" on the same connection and got 2", name, bad, got, reference(bad)), nil
}

// backOrEnded waits (within ctx) until the program, after it closed the
// connection acc accepted, either ended or waits for a client again (an
// accept, a poll): a server that drops a connection may be on its way
// out, and the report should say which.
func (g *echoServer) backOrEnded(ctx context.Context, acc event.Event) {
	for ctx.Err() == nil {
		closed := uint64(0)
		for _, e := range programCalls(g.s) {
			switch {
			case acc.Result < 0:
			case closed == 0 && e.Kind == event.KindCall && e.Op == event.OpClose && e.FD == acc.Result && e.Seq > acc.Seq:
				closed = e.Seq
			case closed > 0 && (e.Op == event.OpAccept || e.Op == event.OpWait):
				return
			}
		}
		select {
		case <-g.s.Prog.Done():
			return
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

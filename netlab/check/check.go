package check

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/ptrace"
)

// Result is one check's verdict, explained.
type Result struct {
	Name string `json:"check"`
	Pass bool   `json:"pass"`
	// Detail says what happened in words, from the program's calls and
	// what socklab's peer saw; for a failure, what to change.
	Detail string `json:"detail"`
	// Evidence are the trace lines (the program's calls, the segments)
	// the verdict rests on.
	Evidence []string `json:"evidence,omitempty"`
	Took     string   `json:"took"`
}

// JSON is the result as one line of JSON.
func (r Result) JSON() []byte {
	b, _ := json.Marshal(r)
	return b
}

// Config configures a run of checks.
type Config struct {
	Argv  []string
	Dir   string
	Wire  netlab.WireConfig
	Limit time.Duration // per check; default 10s
	// Port is socklab's server's port for a client exercise (0: 65432, the
	// seeds'; below 0: any, the kernel chooses); an argument {port} is
	// replaced by it.
	Port int
	// Stdin is the program's standard input (nil: none; a calculator
	// client gets CalcInput).
	Stdin io.Reader

	// bigMessage, when set, is the size of the message "answers a 1 MB
	// message whole" sends (0: 1 MiB). Tests whose subject is another
	// check set it smaller: under the tracer a Python server's 1 MiB echo,
	// a thousand recv and send calls each stopped, costs ~0.4 s of CPU.
	bigMessage int
}

// Kinds are the exercises socklab can grade.
var Kinds = []string{"echo-server", "echo-client", "calc-server", "calc-client"}

// Run starts the program and runs every check of kind against it, calling
// report after each. It returns the results; an error only when the
// program could not be run at all.
func Run(ctx context.Context, kind string, cfg Config, report func(Result)) ([]Result, error) {
	if cfg.Limit <= 0 {
		cfg.Limit = 10 * time.Second
	}
	switch kind {
	case "echo-server":
		return runEchoServer(ctx, cfg, report)
	case "echo-client":
		return runEchoClient(ctx, cfg, report)
	case "calc-server":
		return runCalcServer(ctx, cfg, report)
	case "calc-client":
		return runCalcClient(ctx, cfg, report)
	}
	return nil, fmt.Errorf("unknown exercise %q: want %s", kind, strings.Join(Kinds, ", "))
}

// programCalls returns the trace lines of the program's returned calls
// (and its blocked ones) whose op is in ops (all when none), newest last.
func programCalls(s *Session, ops ...event.Op) []event.Event {
	return s.Lab.Log.Filter(func(e *event.Event) bool {
		return isProgramCall(e) && (len(ops) == 0 || slices.Contains(ops, e.Op))
	})
}

// isProgramCall is true of the program's returned and blocked calls.
func isProgramCall(e *event.Event) bool {
	return e.Actor == "program" && (e.Kind == event.KindCall || e.Kind == event.KindBlocked)
}

func lines(ev []event.Event, max int) []string {
	if len(ev) > max {
		ev = ev[len(ev)-max:]
	}
	out := make([]string, len(ev))
	for i, e := range ev {
		out[i] = e.String()
	}
	return out
}

// blockedIn says which call the program is inside now, for a check that
// ran out of time.
func blockedIn(s *Session) string {
	return blockedAt(s.Prog.InFlightAt(time.Now()))
}

// blockedAt says which calls the program was inside at in's moment.
func blockedAt(in *ptrace.Instant) string {
	calls := in.Calls()
	if len(calls) == 0 {
		return "it was not inside a socket call (computing, or waiting on something else)"
	}
	return "it was blocked in " + strings.Join(calls, ", ")
}

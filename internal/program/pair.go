package program

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socklab/socklab/netlab/check"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui"
)

// The two programs' names on the trace and the ladder: what each is, the
// notes at the top say (the trace's actor column is nine characters wide).
const (
	serverActor = "program 1"
	clientActor = "program 2"
)

// serverGrace is how long the server program may take to end by itself
// once its client has ended (the seeds' echo server closes and exits when
// recv returns 0); a server that loops back to accept is then stopped.
const serverGrace = time.Second

// pair is two of the student's programs in one lab: cfg.Argv, a server,
// and cfg.Client, its client, started once the server listens. Each
// program's output is kept in one buffer (and copied to echo, if set),
// every line headed by the program's name.
type pair struct {
	cfg  Config
	srv  *check.Session
	cli  *check.Session // nil until the server listened
	out  *check.OutputBuffer
	echo io.Writer

	started atomic.Bool
	done    chan struct{} // closed once both ended and their ends are in the lab's log, or start failed
	exit    string        // how each ended, once done
	failed  []string      // what went wrong, once done
}

// newPair makes the lab (its events going to sink) without starting
// anything yet: a view subscribes to the lab first, then calls start.
func newPair(cfg Config, sink event.Sink, step bool, echo io.Writer, stdin io.Reader) *pair {
	p := &pair{cfg: cfg, done: make(chan struct{})}
	if echo != nil {
		p.echo = &lockedWriter{w: echo} // both programs' copiers write to it
	}
	p.out = check.NewOutputBuffer()
	w := p.writer(serverActor)
	p.srv = check.NewSession(check.SessionConfig{Argv: cfg.Argv, Wire: cfg.Wire, Trace: sink, Role: event.RoleServer,
		Actor: serverActor, Step: step, Stdout: w, Stderr: w, Stdin: stdin})
	return p
}

// writer is where actor's output goes: the pair's buffer and echo, each
// line headed by the actor's name.
func (p *pair) writer(actor string) io.Writer {
	var to io.Writer = p.out
	if p.echo != nil {
		to = io.MultiWriter(p.out, p.echo)
	}
	return &prefixWriter{w: to, prefix: "[" + actor + "] "}
}

// start starts the server program; the rest (the client once the server
// listens, the server's end after the client's) runs until ctx ends or
// both have ended, then done is closed. The lab stays open: its owner
// closes it (close) when it no longer looks.
func (p *pair) start(ctx context.Context) error {
	p.started.Store(true)
	if err := p.srv.Start(); err != nil {
		close(p.done)
		return err
	}
	lab := p.srv.Lab
	lab.Emit(note(serverActor + " is the server: " + strings.Join(p.cfg.Argv, " ")))
	if why := p.srv.Refused(); why != "" {
		lab.Emit(note(serverActor + "'s calls are not traced (" + why + "): only the wire is shown"))
	}
	go p.run(ctx)
	return nil
}

func (p *pair) run(ctx context.Context) {
	defer close(p.done)
	lab := p.srv.Lab
	var ends []string
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	addr, err := p.srv.Listening(lctx)
	cancel()
	if err == nil {
		argv := make([]string, len(p.cfg.Client))
		for i, a := range p.cfg.Client {
			argv[i] = strings.ReplaceAll(a, "{port}", strconv.Itoa(int(addr.Port())))
		}
		lab.Emit(note(fmt.Sprintf("%s is the client, started once %s listened on %s: %s", clientActor, serverActor, addr, strings.Join(argv, " "))))
		w := p.writer(clientActor)
		cli := check.NewSession(check.SessionConfig{Argv: argv, Wire: p.cfg.Wire, Role: event.RoleClient,
			Actor: clientActor, Stdout: w, Stderr: w, Lab: lab})
		if err = cli.Start(); err == nil {
			p.cli = cli
		}
	}
	if p.cli == nil {
		err = fmt.Errorf("%s was not started: %w", clientActor, err)
		lab.Emit(note(err.Error()))
		p.failed = append(p.failed, err.Error())
	} else {
		if why := p.cli.Refused(); why != "" {
			lab.Emit(note(clientActor + "'s calls are not traced (" + why + "): only the wire is shown"))
		}
		select {
		case <-p.cli.Prog.Done():
		case <-ctx.Done():
			p.cli.Prog.Stop(2 * time.Second)
		}
		ends = append(ends, p.end(ctx, p.cli, clientActor, false))
	}
	// The server's own end, if it comes soon; else socklab stops it, and
	// says so: a status from that stop is socklab's doing, not a failure.
	wait := serverGrace
	if p.cfg.serverGrace > 0 {
		wait = p.cfg.serverGrace
	}
	grace := time.NewTimer(wait)
	defer grace.Stop()
	stopped := false
	select {
	case <-p.srv.Prog.Done():
	case <-grace.C:
		stopped = true
	case <-ctx.Done():
		stopped = true
	}
	if stopped {
		p.srv.Prog.Stop(2 * time.Second)
	}
	ends = append([]string{p.end(ctx, p.srv, serverActor, stopped)}, ends...)
	p.exit = strings.Join(ends, "; ")
}

// end waits for s's program, puts its end in the lab's log (an actor's
// end: the ladder draws it after the program's last calls) and returns
// how it ended; a status other than 0 the program chose is a failure.
func (p *pair) end(ctx context.Context, s *check.Session, actor string, stopped bool) string {
	ex, err := s.Prog.Wait()
	how := ex.String()
	switch {
	case err != nil:
		how = err.Error()
		p.failed = append(p.failed, actor+": "+how)
	case stopped:
		how = "still running after " + clientActor + " ended; socklab stopped it: " + how
	case ex.Code != 0 && ctx.Err() == nil:
		p.failed = append(p.failed, fmt.Sprintf("%s ended with %s", actor, ex))
	}
	role := event.RoleClient
	if actor == serverActor {
		role = event.RoleServer
	}
	s.Lab.Emit(event.Event{Kind: event.KindLab, Op: event.OpActorEnd, Actor: actor, Role: role, FD: -1, Note: "ended: " + how})
	return actor + " " + how
}

// close ends both programs (if they still run) and the lab. ctx, the
// one start was given, must have ended or both programs be done.
func (p *pair) close() {
	if p.started.Load() {
		<-p.done // the client exists or never will; both are stopped or ended
	}
	p.srv.Stop(2 * time.Second)
}

// err is the run's failure, once done: nil when both programs ended as
// programs should (exit 0, or the server stopped by socklab).
func (p *pair) err() error {
	if len(p.failed) == 0 {
		return nil
	}
	return errors.New(strings.Join(p.failed, "; "))
}

// argv is the command line of both, as typed after run's first --.
func (p *pair) argv() []string {
	return append(append(append([]string(nil), p.cfg.Argv...), "--"), p.cfg.Client...)
}

// refused says which program's calls are not traced, and why ("" when
// both are).
func (p *pair) refused() string {
	var why []string
	if w := p.srv.Refused(); w != "" {
		why = append(why, serverActor+": "+w)
	}
	if p.cli != nil {
		if w := p.cli.Refused(); w != "" {
			why = append(why, clientActor+": "+w)
		}
	}
	return strings.Join(why, "; ")
}

// prefixWriter heads every line with prefix. Each write reaches w in one
// call (the programs' output copiers write what one read got), so the two
// programs' lines are told apart; a line written in pieces keeps one prefix.
// The pair's two prefixWriters share w: it must take concurrent writes
// (check.OutputBuffer and lockedWriter do).
type prefixWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	midLine bool // the last write ended without a newline
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var buf bytes.Buffer
	for rest := b; len(rest) > 0; {
		if !p.midLine {
			buf.WriteString(p.prefix)
		}
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			buf.Write(rest)
			p.midLine = true
			break
		}
		buf.Write(rest[:i+1])
		p.midLine = false
		rest = rest[i+1:]
	}
	if _, err := p.w.Write(buf.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}

// lockedWriter lets both programs' output copiers share one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// tracePair is Trace for two programs.
func tracePair(ctx context.Context, stdout, stderr io.Writer, stdin io.Reader, cfg Config, out *traceOut) error {
	p := newPair(cfg, out.sink, false, stderr, stdin)
	if err := p.start(ctx); err != nil {
		p.close()
		out.drop() // nothing ran: any previous file stays
		return err
	}
	<-p.done
	p.close()
	return cmp.Or(out.finish(stdout, p.argv(), p.srv.Lab, p.out.String()), p.err())
}

// showPair is Show for two programs: both on the pane's ladder, their
// output below, each line headed by its program.
func showPair(ctx context.Context, cfg Config, opts ui.Options, step bool, sink event.Sink) error {
	p := newPair(cfg, sink, step, nil, nil)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts.Wire = cfg.Wire
	opts.Program = &ui.ProgramOptions{Title: strings.Join(p.argv(), " "), Lab: p.srv.Lab,
		Actors: []string{serverActor, clientActor}, ServerName: "server (" + serverActor + ")",
		Start:  func() error { return p.start(pctx) },
		Output: p.out.String, OutputChanged: p.out.Changed(),
		Done:    func() <-chan struct{} { return p.done },
		Exit:    func() string { return p.exit },
		Refused: p.refused}
	uerr := ui.Run(ctx, opts)
	// How they ended was on screen; stopping them with q is not a failure.
	cancel()
	p.close()
	return uerr
}

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
	"time"

	"github.com/socklab/socklab/netlab/check"
	"github.com/socklab/socklab/netlab/event"
)

// The two programs' names on the trace: what each is, the notes at the
// top say (the column is nine characters wide).
const (
	serverActor = "program 1"
	clientActor = "program 2"
)

// serverGrace is how long the server program may take to end by itself
// once its client has ended (the seeds' echo server closes and exits when
// recv returns 0); a server that loops back to accept is then stopped.
const serverGrace = time.Second

// tracePair runs cfg.Argv, a server program, and cfg.Client, its client,
// in one lab: the client starts once the server listens, and the server
// is stopped once the client has ended and it has not (it would wait for
// the next client for ever). Each program's output goes to stderr, every
// line headed by the program's name.
func tracePair(ctx context.Context, stdout, stderr io.Writer, stdin io.Reader, cfg Config, out *traceOut) error {
	errOut := &lockedWriter{w: stderr}
	srvOut := &prefixWriter{w: errOut, prefix: "[" + serverActor + "] "}
	srv, err := check.StartSession(ctx, check.SessionConfig{Argv: cfg.Argv, Wire: cfg.Wire, Trace: out.sink,
		Role: event.RoleServer, Actor: serverActor, Stdout: srvOut, Stderr: srvOut, Stdin: stdin})
	if err != nil {
		out.drop()
		return err
	}
	lab := srv.Lab
	lab.Emit(note(serverActor + " is the server: " + strings.Join(cfg.Argv, " ")))
	if why := srv.Refused(); why != "" {
		lab.Emit(note(serverActor + "'s calls are not traced (" + why + "): only the wire is shown"))
	}
	var cli *check.Session
	var cliErr error
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	addr, lerr := srv.Listening(lctx)
	cancel()
	if lerr != nil {
		cliErr = fmt.Errorf("%s was not started: %w", clientActor, lerr)
	} else {
		argv := make([]string, len(cfg.Client))
		for i, a := range cfg.Client {
			argv[i] = strings.ReplaceAll(a, "{port}", strconv.Itoa(int(addr.Port())))
		}
		lab.Emit(note(fmt.Sprintf("%s is the client, started once %s listened on %s: %s", clientActor, serverActor, addr, strings.Join(argv, " "))))
		cliOut := &prefixWriter{w: errOut, prefix: "[" + clientActor + "] "}
		cli, cliErr = check.StartSession(ctx, check.SessionConfig{Argv: argv, Wire: cfg.Wire, Role: event.RoleClient,
			Actor: clientActor, Stdout: cliOut, Stderr: cliOut, Lab: lab})
		if cliErr == nil {
			if why := cli.Refused(); why != "" {
				lab.Emit(note(clientActor + "'s calls are not traced (" + why + "): only the wire is shown"))
			}
		}
	}
	var cliEx, srvEx string
	var failed []string
	if cli != nil {
		ex, err := cli.Wait(ctx)
		cliEx = ex.String()
		switch {
		case err != nil:
			failed = append(failed, clientActor+": "+err.Error())
		case ex.Code != 0 && ctx.Err() == nil:
			failed = append(failed, fmt.Sprintf("%s ended with %s", clientActor, ex))
		}
		lab.Emit(note(clientActor + " ended: " + cliEx))
	} else {
		lab.Emit(note(cliErr.Error()))
		failed = append(failed, cliErr.Error())
	}
	// The server's own end, if it comes soon; else socklab stops it, and
	// says so: a status from that stop is socklab's doing, not a failure.
	grace := time.NewTimer(serverGrace)
	defer grace.Stop()
	stopped := false
	select {
	case <-srv.Prog.Done():
	case <-grace.C:
		stopped = true
	case <-ctx.Done():
		stopped = true
	}
	if stopped {
		srv.Prog.Stop(2 * time.Second)
	}
	ex, werr := srv.Prog.Wait()
	srvEx = ex.String()
	switch {
	case stopped:
		lab.Emit(note(serverActor + " was still running after " + clientActor + " ended; socklab stopped it: " + srvEx))
	default:
		lab.Emit(note(serverActor + " ended: " + srvEx))
		if werr == nil && ex.Code != 0 && ctx.Err() == nil {
			failed = append(failed, fmt.Sprintf("%s ended with %s", serverActor, ex))
		}
	}
	srv.Stop(0) // closes the lab: its last events are in
	argv := append(append(append([]string(nil), cfg.Argv...), "--"), cfg.Client...)
	output := section(serverActor, srv.Output())
	if cli != nil {
		output += section(clientActor, cli.Output())
	}
	if err := cmp.Or(werr, out.finish(stdout, argv, lab, output)); err != nil {
		return err
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	return nil
}

// section is one program's output for the handout, headed by its name.
func section(actor, output string) string {
	if strings.TrimSpace(output) == "" {
		return ""
	}
	return "[" + actor + "]\n" + strings.TrimRight(output, "\n") + "\n"
}

// lockedWriter lets two programs' output goroutines share one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// prefixWriter heads every line with prefix. Each write reaches w in one
// call (the programs' output copiers write what one read got), so the two
// programs' lines are told apart; a line written in pieces keeps one prefix.
type prefixWriter struct {
	w       io.Writer
	prefix  string
	midLine bool // the last write ended without a newline
}

func (p *prefixWriter) Write(b []byte) (int, error) {
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

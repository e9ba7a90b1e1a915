package check

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/ptrace"
	"github.com/socklab/socklab/netlab/sock"
)

// SessionConfig says what to run and where its events go.
type SessionConfig struct {
	Argv []string
	Dir  string
	Wire netlab.WireConfig
	// Trace gets every event of the lab in causal order (a TraceWriter, a
	// pcap sink); nil: only the Lab's log.
	Trace event.Sink
	// Role of the program's sockets before they listen or connect.
	Role event.Role
	// Actor is the program's name on the ladder; default "program".
	Actor string
	Step  bool
	// Stdout and Stderr get the program's output as it comes; it is also
	// kept (Output) for reports.
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	History        int
	// Lab, when set, is the lab the program runs in, beside another
	// program already there (socklab run with two programs); the session
	// then leaves it open when the program ends. nil: a lab of its own,
	// closed with the program.
	Lab *netlab.Lab
}

// Session is a student's program running traced in a Lab of its own.
type Session struct {
	Lab  *netlab.Lab
	Prog *ptrace.Program

	cfg       SessionConfig
	listen    chan netip.AddrPort
	started   chan struct{}
	out       *OutputBuffer
	closeOnce sync.Once
}

// StartSession makes the lab and starts the program in it.
func StartSession(ctx context.Context, cfg SessionConfig) (*Session, error) {
	s := NewSession(cfg)
	if err := s.Start(); err != nil {
		s.closeLab()
		return nil, err
	}
	return s, nil
}

// closeLab closes the lab if the session made it.
func (s *Session) closeLab() {
	if s.cfg.Lab == nil {
		s.closeOnce.Do(s.Lab.Close)
	}
}

// NewSession makes the lab without starting the program yet (a view
// subscribes to the lab first, then calls Start).
func NewSession(cfg SessionConfig) *Session {
	if cfg.Actor == "" {
		cfg.Actor = "program"
	}
	if cfg.History == 0 {
		cfg.History = 20000
	}
	lab := cfg.Lab
	if lab == nil {
		lab = netlab.NewLab(netlab.LabConfig{History: cfg.History, Wire: cfg.Wire, Trace: cfg.Trace, Step: cfg.Step})
	}
	s := &Session{Lab: lab, cfg: cfg, listen: make(chan netip.AddrPort, 16), started: make(chan struct{}), out: NewOutputBuffer()}
	return s
}

// Start starts the program in the session's lab.
func (s *Session) Start() error {
	cfg, lab := s.cfg, s.Lab
	stdout, stderr := io.Writer(s.out), io.Writer(s.out)
	if cfg.Stdout != nil {
		stdout = io.MultiWriter(cfg.Stdout, s.out)
	}
	if cfg.Stderr != nil {
		stderr = io.MultiWriter(cfg.Stderr, s.out)
	}
	p, err := ptrace.Start(ptrace.Config{Argv: cfg.Argv, Dir: cfg.Dir, Stdin: cfg.Stdin, Stdout: stdout, Stderr: stderr,
		Role: cfg.Role, Ctx: lab.Context(),
		Tracer: func(r event.Role) sock.Tracer { return lab.Tracer(cfg.Actor, r) },
		OnListen: func(a netip.AddrPort) {
			select {
			case s.listen <- a:
			default:
			}
		}})
	if err != nil {
		return err
	}
	s.Prog = p
	close(s.started)
	return nil
}

// OutputChanged receives (at most one pending) notice when the program
// wrote something.
func (s *Session) OutputChanged() <-chan struct{} { return s.out.Changed() }

// Started is closed once Start succeeded.
func (s *Session) Started() <-chan struct{} { return s.started }

// Refused says why the program's calls are not traced ("" when they are).
func (s *Session) Refused() string { return s.Prog.Refused() }

// Listening waits for the program's first listen and returns the address
// the kernel gave it; an error when the program ended first or ctx ended.
func (s *Session) Listening(ctx context.Context) (netip.AddrPort, error) {
	select {
	case a := <-s.listen:
		return a, nil
	case <-s.Prog.Done():
		select {
		case a := <-s.listen:
			return a, nil
		default:
		}
		ex, err := s.Prog.Wait()
		if err != nil {
			return netip.AddrPort{}, err
		}
		return netip.AddrPort{}, errors.New("the program ended (" + ex.String() + ") without calling listen()")
	case <-ctx.Done():
		return netip.AddrPort{}, errors.New("the program did not call listen() in time")
	}
}

// Output is what the program wrote to stdout and stderr so far.
func (s *Session) Output() string { return s.out.String() }

// Stop ends the program (SIGTERM, then SIGKILL after grace) and the lab;
// it returns how the program ended.
func (s *Session) Stop(grace time.Duration) (ptrace.Exit, error) {
	if s.Prog == nil { // never started
		s.closeLab()
		return ptrace.Exit{}, errors.New("the program was not started")
	}
	s.Prog.Stop(grace)
	ex, err := s.Prog.Wait()
	s.closeLab()
	return ex, err
}

// Wait waits for the program to end by itself (or ctx: then it is
// stopped), then closes the lab.
func (s *Session) Wait(ctx context.Context) (ptrace.Exit, error) {
	select {
	case <-s.Prog.Done():
	case <-ctx.Done():
		return s.Stop(2 * time.Second)
	}
	ex, err := s.Prog.Wait()
	s.closeLab()
	return ex, err
}

// OutputBuffer keeps a program's output (the first MiB, for the screen and
// reports) and notices each write on Changed (at most one pending). Two
// programs' output copiers may share one.
type OutputBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

// NewOutputBuffer returns an empty OutputBuffer.
func NewOutputBuffer() *OutputBuffer { return &OutputBuffer{changed: make(chan struct{}, 1)} }

// Changed receives a notice when something was written since the last.
func (l *OutputBuffer) Changed() <-chan struct{} { return l.changed }

func (l *OutputBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
	if l.b.Len() > 1<<20 {
		return len(p), nil // keep the first MiB for reports
	}
	return l.b.Write(p)
}

func (l *OutputBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

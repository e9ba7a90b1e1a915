//go:build !(linux && (amd64 || arm64))

package ptrace

import (
	"errors"
	"time"
)

// ErrUnsupported is returned by Start where socklab cannot trace a program.
var ErrUnsupported = errors.New("tracing a program needs Linux on amd64 or arm64 (ptrace and seccomp)")

// Program is never started outside Linux.
type Program struct{}

// Launch does nothing outside Linux.
func Launch() {}

// Start always fails outside Linux.
func Start(cfg Config) (*Program, error) { return nil, ErrUnsupported }

func (p *Program) Pid() int                               { return 0 }
func (p *Program) Refused() string                        { return ErrUnsupported.Error() }
func (p *Program) Done() <-chan struct{}                  { return nil }
func (p *Program) Wait() (Exit, error)                    { return Exit{}, ErrUnsupported }
func (p *Program) Stop(grace time.Duration)               {}
func (p *Program) InFlightAt(time.Time) *Instant          { return &Instant{} }
func (p *Program) Waiting(time.Duration) ([]string, bool) { return nil, false }

// Instant is where the program was at one moment: nowhere known here.
type Instant struct{}

func (*Instant) Calls() []string { return nil }

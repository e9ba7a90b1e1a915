package class

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui"
)

// Session is one class: its server and what is kept of it.
type Session struct {
	Config    service.ClassConfig
	Exercises []ui.Exercise
	Trace     *output.Trace // the server's calls; nil: not traced
	Hold      bool          // start with accept held (n lets one run)
	Summary   string        // the summary files' prefix ("": socklab-class-DATE-TIME)
}

// Run listens and serves the room while show (the instructor's view) runs;
// when show returns it closes the server, then the trace, then writes the
// summary and says its paths on stdout. The first error of show, the
// server, the trace and the summary is returned; Run closes s.Trace on
// every path.
func (s Session) Run(ctx context.Context, stdout, stderr io.Writer, show func(context.Context, *service.Class) error) error {
	cfg := s.Config
	if s.Trace != nil {
		defer s.Trace.Drop("socklab stopped before the trace was written") // a no-op once closed
		cfg.Server.Tracer = sock.Tracer{Actor: "server", Sink: s.Trace}
	}
	cls, err := service.ListenClass(ctx, cfg)
	if err != nil {
		return err
	}
	// Held before Serve's first accept, or that accept would take the
	// first student anyway.
	cls.SetHeld(s.Hold)
	served := make(chan error, 1)
	go func() { served <- cls.Serve(ctx) }()
	err = show(ctx, cls)
	cls.Close()
	if serr := <-served; err == nil {
		err = serr
	}
	if s.Trace != nil {
		// The writer's error decides whether the file replaces the path:
		// a trace that could not be written is reported, never put in place.
		if ferr := s.Trace.Close(stderr); err == nil {
			err = ferr
		}
	}
	paths, serr := WriteSummary(s.Summary, time.Now(), cls.Snapshot().Tallies, s.Exercises)
	if serr != nil {
		fmt.Fprintf(stderr, "socklab: summary not written: %v\n", serr)
		if err == nil {
			err = serr
		}
	} else {
		fmt.Fprintf(stdout, "summary of the session: %s\n", strings.Join(paths, ", "))
	}
	return err
}

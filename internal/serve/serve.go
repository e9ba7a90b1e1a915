package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// Config is a server to run and what to trace of it.
type Config struct {
	Server service.ServerConfig // its Tracer is set by Run
	// Trace receives the server's calls; nil: none (--quiet), and the
	// server takes socklab's untraced fast path.
	Trace *output.Trace
	// Wire adds the server's segments captured on lo to the trace (it
	// needs CAP_NET_RAW; without it the trace says so on stderr and goes
	// on without them).
	Wire bool
	// EveryState reads the TCP state after every call; otherwise the
	// reads after sends and recvs are paced (sock.ServeStatePace), and the
	// trace says so in its first line.
	EveryState bool
}

// PaceNote heads a trace whose state reads are paced, so that a line
// without a state is read as "not asked", never as "no state".
var PaceNote = PaceText + " (--every-state reads them all)"

// PaceText says how a paced trace reads states; socklab bench's own traced
// server, which paces them as serve does, heads its trace with it.
var PaceText = fmt.Sprintf("the TCP state is read after every call, but after a connection's sends and recvs at most %d times a second "+
	"(bursts of %d): a line without a state was not read", time.Second/sock.ServeStatePace, sock.StatePaceBurst)

// Run listens, writes "listening on ADDR (…)" to stdout (and a warning on
// stderr when the address is reachable from other machines), then serves
// until ctx is done. It closes cfg.Trace on every path: the trace's lost
// lines or write error come back joined with the server's error.
func Run(ctx context.Context, stdout, stderr io.Writer, cfg Config) error {
	// The Sequencer's events are kept until "listening on" is written;
	// the writer behind them is a bounded queue that drops lines (counted
	// in the trace) rather than stall a socket.
	var seq *sock.Sequencer
	if cfg.Trace != nil {
		seq = sock.NewSequencer(cfg.Trace.TraceWriter)
		seq.Postpone()
		cfg.Server.Tracer = seq.Tracer("server", event.RoleServer)
		if !cfg.EveryState {
			cfg.Server.Tracer.StatePace = sock.ServeStatePace
			cfg.Server.Tracer.Note(PaceNote)
		}
		if cfg.Wire {
			if _, err := seq.Capture(ctx); err != nil {
				fmt.Fprintf(stderr, "wire: off — cannot capture on lo: %v; serve stays in the host's network, where capture needs CAP_NET_RAW (run as root, or sudo setcap cap_net_raw+ep on the binary)\n", err)
			}
		}
	}
	srv, err := service.Listen(ctx, cfg.Server)
	if err != nil {
		if cfg.Trace != nil {
			cfg.Trace.Drop("socklab stopped before the trace was written")
		}
		return err
	}
	mode := "concurrent"
	if cfg.Server.Sequential {
		mode = "sequential, one client at a time"
	}
	fmt.Fprintf(stdout, "listening on %s (%s server, %s)\n", srv.Addr(), cfg.Server.Service, mode)
	if !sock.IsLoopback(srv.Addr().Addr()) {
		fmt.Fprintf(stderr, "warning: %s is an open port: any machine that can reach this one may connect. "+
			"Bind 127.0.0.1 (or ::1) to keep it on this machine.\n", srv.Addr())
	}
	if cfg.Trace == nil {
		err = srv.Serve(ctx)
		srv.Close()
		return err
	}
	seq.Flush()
	err = srv.Serve(ctx)
	srv.Close()
	return errors.Join(err, cfg.Trace.Close(stderr))
}

package netlab

import (
	"context"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/netlab/wire"
)

// startWire opens the lab's capture when cfg asks for it and connects it to
// the sequencer; every failure is kept as the reason the wire is off.
func (l *Lab) startWire(cfg WireConfig) {
	l.wire = WireStatus{Private: cfg.Private, Why: cfg.Off, Hint: cfg.Hint}
	if cfg == (WireConfig{}) {
		// Nobody asked (tests, benchmarks): nothing to say on screen.
		l.wire.Why = "capture not asked for"
		return
	}
	l.wire.Asked = true
	defer func() {
		on := 0
		if l.wire.On {
			on = 1
		}
		l.lab(event.OpWire, "lab", event.RoleLab, on, l.wire.String())
	}()
	if !cfg.Capture {
		if l.wire.Why == "" {
			l.wire.Why = "capture not asked for"
		}
		return
	}
	c, err := wire.OpenCaptureReading(cfg.Read)
	if err != nil {
		why := "cannot capture on lo: " + err.Error()
		switch {
		case cfg.Off != "":
			why = cfg.Off + "; " + why // the hint is the namespace's
		case !cfg.Private:
			l.wire.Hint = "run socklab without --host-network (a private network needs no privilege), or as root"
		}
		l.wire.Why = why
		return
	}
	l.wire.Why, l.wire.Hint = "", ""
	l.capture = c
	l.wire.On = true
	l.seq.Attach(c)
	l.wg.Add(1)
	context.AfterFunc(l.ctx, c.Wake) // Close cancels ctx: the loop ends
	go func() {
		defer l.wg.Done()
		defer event.Recover()
		// Segments no call is waiting on (the peer's ACK of a FIN, a SYN
		// retransmitted a second later) are released as they arrive.
		for c.Wait() && l.ctx.Err() == nil {
			// The calls drain what they depend on themselves; this loop only
			// picks up stragglers, so it waits a little and takes a batch
			// rather than wake (and contend for the lock) per segment.
			time.Sleep(sock.PumpBatch)
			l.seq.Pump()
		}
	}()
}

// Wire says whether the lab captures segments, and why not.
func (l *Lab) Wire() WireStatus {
	w := l.wire
	if l.capture != nil {
		w.Dropped, w.Read = l.capture.Drops()
	}
	return w
}

// WireOn reports whether the lab captures segments; unlike Wire it reads no
// counters from the kernel, so a view may call it.
func (l *Lab) WireOn() bool { return l.wire.On }

// SyncWire reads every segment the kernel has queued on the lab's capture
// by now and releases what it can, as the wire's own loop does when it
// next wakes: a lesson settling a step calls it, since on a busy machine
// that loop can sleep past the step's moment of quiet.
func (l *Lab) SyncWire() {
	if l.capture != nil {
		l.seq.Pump()
	}
}

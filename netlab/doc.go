// Package netlab is socklab's lab: the Lab runs a scenario's actors (a
// server and its clients) in goroutines over real loopback sockets, either
// freely (run mode) or one call at a time behind a gate (step mode), and
// reports every call, and every segment it captures on lo, as an event in
// one log in causal order. A Lab with LabConfig.Remote has no server of its
// own: its clients talk to a server elsewhere (socklab connect).
//
// netlab never imports UI code: headless commands, lessons and the TUI all
// consume the same events.
//
// # Packages
//
// The Lab composes four packages below it, each importing only those
// under it:
//
//	netlab          the Lab: actors, step mode, the wire's status (this package)
//	  ├─ service    servers (echo, calculator, class), clients, limits, allow lists
//	  │    └─ sock  the socket core: Socket and its calls, Tracer, Gate, Sequencer, state reads
//	  │         ├─ internal/linequeue  a served trace's line records, sharded, merged by moment
//	  │         └─ wire   capture on lo (ring, pcapng sink), decoding, linking segments to calls
//	  │              └─ event  the vocabulary: Event, Op, Kind, Role, TCPState, Packet,
//	  │                        Log, trace and JSON writers (imports no socket code)
//	  └─ (netlab/check, netlab/bench, netlab/ptrace, netlab/calc: tools built on these)
//
// lessons/rules imports only event (and the leaf safetext event uses);
// ui and lessons read events, never sockets.
//
// Events flow one way:
//
//	kernel ─ call returns ─▶ sock.Socket ─ Tracer ─▶ sock.Sequencer ─ causal order ─▶ event.Log ─▶ TraceWriter, JSON, UI
//	lo ─ frame ─▶ wire.Capture ─ Drain ─▶ sock.Sequencer ─ wire.Linker names actor and cause ─▶ event.Log
//	served trace: sock.Socket ─ line records ─▶ the Sequencer's shards ─ merged by moment ─▶ TraceWriter
//
// sock's package doc says how the Sequencer orders calls and captured
// segments; service's how a class is served.
//
// A capture without privilege needs a private user and network namespace,
// which the command line makes (socklab runs itself again inside one);
// WireConfig says whether to capture and, when not, why.
package netlab

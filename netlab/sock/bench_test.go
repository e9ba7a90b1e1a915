//go:build unix

package sock

import (
	"context"
	"net/netip"
	"testing"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// connectedPair returns a connected client socket and the server's accepted
// socket over loopback, traced by tr (a nil Sink: untraced).
func connectedPair(b testing.TB, tr Tracer) (client, server *Socket) {
	b.Helper()
	ctx := context.Background()
	ln, err := Open(ctx, Tracer{}, IPv4, Stream)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close(ctx) })
	if err := ln.Bind(ctx, netip.MustParseAddrPort("127.0.0.1:0")); err != nil {
		b.Fatal(err)
	}
	if err := ln.Listen(ctx, 4); err != nil {
		b.Fatal(err)
	}
	client, err = Open(ctx, tr, IPv4, Stream)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { client.Close(ctx) })
	if err := client.Connect(ctx, ln.LocalAddr()); err != nil {
		b.Fatal(err)
	}
	server, err = ln.Accept(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { server.Close(ctx) })
	return client, server
}

// BenchmarkTCPInfo is the price of reading a socket's TCP state, paid after
// every traced call: one getsockopt(TCP_INFO).
func BenchmarkTCPInfo(b *testing.B) {
	c, _ := connectedPair(b, Tracer{})
	for b.Loop() {
		if c.State() != event.StateEstablished {
			b.Fatal("not established")
		}
	}
}

// BenchmarkEventPath is what tracing adds to each socket call, without the
// call itself: building the Event (TCP_INFO read, addresses, payload copy)
// and emitting it into a Log with one subscriber draining it, as the TUI
// does.
func BenchmarkEventPath(b *testing.B) {
	log := event.NewLog(5000)
	sub := log.Subscribe(4096)
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for {
			if _, err := sub.Next(ctx, 512); err != nil {
				return
			}
		}
	}()
	c, _ := connectedPair(b, Tracer{Actor: "client 1", Sink: log})
	data := make([]byte, 64)
	for b.Loop() {
		cl := call{tr: c.tr, op: event.OpSend, fd: c.fd, text: "5, \"...\", 64, 0"}
		cl.attempt()
		c.report(&cl, 64, nil, data)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	cancel()
	<-drained
}

// BenchmarkSendRecv is a 64-byte send and its recv over loopback, untraced
// traced into a Log, and traced through a Sequencer into a Log (what a
// Lab does: call numbers, holds, causal release): the whole cost of a traced
// call pair. It is noisy (a recv that finds no data yet parks in Go's
// poller), so compare it with -count and benchstat.
func BenchmarkSendRecv(b *testing.B) {
	for _, name := range []string{"untraced", "log", "ordered"} {
		b.Run(name, func(b *testing.B) {
			log := event.NewLog(5000)
			tr := Tracer{Actor: "bench"}
			switch name {
			case "log":
				tr.Sink = log
			case "ordered":
				tr = NewSequencer(log).Tracer("bench", event.RoleClient)
			}
			sub := log.Subscribe(4096)
			defer sub.Close()
			ctx, cancel := context.WithCancel(context.Background())
			drained := make(chan struct{})
			go func() {
				defer close(drained)
				for {
					if _, err := sub.Next(ctx, 512); err != nil {
						return
					}
				}
			}()
			c, s := connectedPair(b, tr)
			s.tr = tr
			// Without TCP_NODELAY, Nagle holds each small send until the
			// previous one is acked, and the benchmark would time the
			// delayed ACK instead of the event path.
			if err := unix.SetsockoptInt(c.fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
				b.Fatal(err)
			}
			msg := make([]byte, 64)
			buf := make([]byte, 64)
			start := log.Len()
			for b.Loop() {
				if _, err := c.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
				if _, err := s.RecvInto(ctx, buf); err != nil {
					b.Fatal(err)
				}
			}
			events := log.Len() - start
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
			cancel()
			<-drained
		})
	}
}

// BenchmarkLogEmit is the log alone: numbering, the bounded history and the
// offer to each subscriber (drained, or full and counting drops).
func BenchmarkLogEmit(b *testing.B) {
	for _, tc := range []struct {
		name    string
		subs    int
		drained bool
	}{{"subs=0", 0, false}, {"subs=1", 1, true}, {"subs=4", 4, true}, {"subs=1-full", 1, false}} {
		b.Run(tc.name, func(b *testing.B) {
			log := event.NewLog(5000)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan struct{}, tc.subs)
			for range tc.subs {
				sub := log.Subscribe(1024)
				defer sub.Close()
				if !tc.drained {
					done <- struct{}{}
					continue
				}
				go func() {
					defer func() { done <- struct{}{} }()
					for {
						if _, err := sub.Next(ctx, 512); err != nil {
							return
						}
					}
				}()
			}
			e := event.Event{Kind: event.KindCall, Actor: "client 1", Op: event.OpSend, Text: "5, \"hello\", 5, 0", FD: 5, Result: 5,
				State: event.StateEstablished, Data: []byte("hello")}
			for b.Loop() {
				log.Emit(e)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			cancel()
			for range tc.subs {
				<-done
			}
		})
	}
}

// BenchmarkEventString is the cost of one trace line (what `serve` prints
// per call without --quiet).
func BenchmarkEventString(b *testing.B) {
	e := event.Event{Kind: event.KindCall, Actor: "server", Op: event.OpRecv, Text: "5, 1024, 0", FD: 5, Result: 64,
		Local: netip.MustParseAddrPort("127.0.0.1:65432"), Remote: netip.MustParseAddrPort("127.0.0.1:51234"),
		State: event.StateEstablished, Data: make([]byte, 64)}
	for b.Loop() {
		_ = e.String()
	}
}

package netlab

import (
	"io"
	"sync"
	"sync/atomic"

	"github.com/socklab/socklab/netlab/wire"
)

// PcapSink is a Sink that writes the lab's captured segments to a pcapng
// file (Wireshark, tcpdump -r), each commented with the call that put it in
// motion or with what the kernel answered. Like TraceWriter it never makes
// a socket wait: events queue, a goroutine writes, overflow is counted.
type PcapSink struct {
	q       chan Event
	w       *wire.PcapWriter
	done    chan struct{}
	mu      sync.RWMutex // Emit reads closed; Close sets it
	closed  bool
	dropped atomic.Uint64
	err     error
}

// NewPcapSink starts a pcapng file on w.
func NewPcapSink(w io.Writer) (*PcapSink, error) {
	pw, err := wire.NewPcapWriter(w)
	if err != nil {
		return nil, err
	}
	p := &PcapSink{q: make(chan Event, 1<<14), w: pw, done: make(chan struct{})}
	go p.run()
	return p, nil
}

// Emit queues a segment; every other event is ignored.
func (p *PcapSink) Emit(e Event) {
	if e.Kind != KindPacket || e.Pkt == nil {
		return
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		p.dropped.Add(1)
		return
	}
	select {
	case p.q <- e:
	default:
		p.dropped.Add(1)
	}
}

func (p *PcapSink) run() {
	defer close(p.done)
	for e := range p.q {
		if p.err == nil {
			p.err = p.w.Write(e.At, e.Data, e.Pkt.Frame, e.Pkt.Comment())
		}
	}
	if err := p.w.Flush(); err != nil && p.err == nil {
		p.err = err
	}
}

// Close writes what is queued and returns the first write error. Events
// emitted after Close are dropped.
func (p *PcapSink) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.q)
	}
	p.mu.Unlock()
	<-p.done
	return p.err
}

// Dropped returns the segments not written because the writer fell behind.
func (p *PcapSink) Dropped() uint64 { return p.dropped.Load() }

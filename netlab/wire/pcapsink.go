package wire

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// PcapSink is a Sink that writes the lab's captured segments to a pcapng
// file (Wireshark, tcpdump -r), each commented with the call that put it in
// motion or with what the kernel answered. Like TraceWriter it never makes
// a socket wait: events queue, a goroutine writes, overflow is counted.
type PcapSink struct {
	q       chan event.Event
	w       *PcapWriter
	done    chan struct{}
	mu      sync.RWMutex // Emit reads closed; Close sets it
	closed  bool
	dropped atomic.Uint64
	err     error // set by run; read after done is closed

	segments, written atomic.Uint64 // segments given to Emit; written to the file
	once              sync.Once
	closeErr          error
}

// NewPcapSink starts a pcapng file on w.
func NewPcapSink(w io.Writer) (*PcapSink, error) {
	pw, err := NewPcapWriter(w)
	if err != nil {
		return nil, err
	}
	p := &PcapSink{q: make(chan event.Event, 1<<14), w: pw, done: make(chan struct{})}
	go p.run()
	return p, nil
}

// Emit queues a segment; every other event is ignored.
func (p *PcapSink) Emit(e event.Event) {
	if e.Kind != event.KindPacket || e.Pkt == nil {
		return
	}
	p.segments.Add(1)
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
	defer event.Recover()
	var buffered uint64
	for e := range p.q {
		if p.err == nil {
			if p.err = p.w.Write(e.At, e.Data, e.Pkt.Frame, e.Pkt.Comment()); p.err == nil {
				buffered++
			}
		}
	}
	if err := p.w.Flush(); err != nil && p.err == nil {
		p.err = err
	}
	if p.err == nil {
		p.written.Add(buffered)
	}
}

// Close writes what is queued and returns the first write error, with the
// segments lost; it waits at most CloseWait for the file to take them.
// Events emitted after Close are dropped.
func (p *PcapSink) Close() error {
	p.once.Do(func() {
		p.mu.Lock()
		p.closed = true
		close(p.q)
		p.mu.Unlock()
		timer := time.NewTimer(event.CloseWait)
		defer timer.Stop()
		select {
		case <-p.done:
			if p.err != nil {
				p.closeErr = fmt.Errorf("%d segments lost (%w)", p.Lost(), p.err)
			}
		case <-timer.C:
			p.closeErr = fmt.Errorf("%d segments lost (the file took nothing for %s)", p.Lost(), event.CloseWait)
		}
	})
	return p.closeErr
}

// Lost counts the segments that did not reach the file.
func (p *PcapSink) Lost() uint64 {
	s, w := p.segments.Load(), p.written.Load()
	if w > s {
		return 0
	}
	return s - w
}

// Dropped returns the segments not written because the writer fell behind.
func (p *PcapSink) Dropped() uint64 { return p.dropped.Load() }

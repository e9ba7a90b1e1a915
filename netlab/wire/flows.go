package wire

import (
	"net/netip"
	"sync"

	"github.com/socklab/socklab/netlab/event"
)

// DefaultMaxFlows bounds Flows: a lesson watches a handful of connections,
// but a flood or port scan must not grow memory without limit.
const DefaultMaxFlows = 4096

// recentSegs is how many data-carrying segments per direction are
// remembered for retransmission matching. Only segments that fall entirely
// below the highest sequence already sent are looked up, so the ring is
// scanned only for real retransmissions and reordering.
const recentSegs = 32

// maxWScale is the largest shift RFC 7323 §2.3 allows; larger values must
// be treated as 14.
const maxWScale = 14

type connKey struct {
	proto uint8
	a, b  netip.AddrPort // a < b, so both directions find the same conn
}

type segKey struct {
	seq, len uint32
	synFin   event.Flags
}

// dir is one direction of a connection: what the side sending in that
// direction has told us.
type dir struct {
	seen    bool   // any segment sent this way
	base    uint32 // ISN, or seq-1 for a direction first seen mid-stream
	synSeen bool
	wscale  int    // WScale option of this direction's SYN, -1 none
	maxEnd  uint32 // highest seq+len(+SYN/FIN) sent so far
	recent  []segKey
	next    int // ring position in recent
}

type conn struct {
	key        connKey
	d          [2]dir // d[0] is a→b
	prev, next *conn  // LRU list, most recently used at the front
}

// Flows tracks TCP connections so segments can be annotated with relative
// sequence numbers, window scaling and retransmission marks. It holds at most
// MaxFlows connections, forgetting the least recently seen. It is safe for
// concurrent use.
type Flows struct {
	mu       sync.Mutex
	MaxFlows int // set before the first Track; <= 0 means DefaultMaxFlows
	m        map[connKey]*conn
	lru      conn // sentinel: lru.next is newest, lru.prev oldest
}

// NewFlows returns an empty tracker bounded by DefaultMaxFlows.
func NewFlows() *Flows {
	f := &Flows{MaxFlows: DefaultMaxFlows, m: make(map[connKey]*conn)}
	f.lru.next, f.lru.prev = &f.lru, &f.lru
	return f
}

// Len reports how many connections are currently tracked.
func (f *Flows) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.m)
}

// Track fills s.RelSeq, s.RelAck, s.WinShift and s.Retrans from, and then
// records s into, the state of its connection. Segments must be given in
// capture order. UDP segments are left untouched.
//
// A direction first seen without its SYN gets base seq-1 (as Wireshark does)
// so that its data still reads as starting at 1. A SYN carrying a new ISN on a
// known 4-tuple starts a new connection there.
func (f *Flows) Track(s *event.Segment) {
	if s.Proto != "tcp" {
		return
	}
	key, idx := connKey{proto: 6, a: s.Src, b: s.Dst}, 0
	if s.Src.Compare(s.Dst) > 0 {
		key.a, key.b, idx = s.Dst, s.Src, 1
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.lookup(key)
	me, peer := &c.d[idx], &c.d[1-idx]

	syn := s.Flags.Has(event.FlagSYN)
	if syn && me.synSeen && s.Seq != me.base {
		// A fresh ISN on the same ports: the old connection is gone
		// (e.g. reuse after TIME_WAIT). A new client SYN also voids the
		// peer's old state; a new SYN-ACK only replaces its own side.
		*me = dir{recent: me.recent[:0]}
		if !s.Flags.Has(event.FlagACK) {
			*peer = dir{recent: peer.recent[:0]}
		}
	}
	if !me.seen {
		me.seen = true
		me.base = s.Seq - 1
		me.maxEnd = s.Seq
		me.wscale = -1
	}
	if syn && !me.synSeen {
		me.synSeen = true
		me.base = s.Seq
		me.maxEnd = s.Seq
		me.wscale = min(s.Opts.WScale, maxWScale)
	}

	s.RelSeq = s.Seq - me.base
	s.RelAck = 0
	if s.Flags.Has(event.FlagACK) && peer.seen {
		s.RelAck = s.Ack - peer.base
	}
	s.WinShift = -1
	if me.synSeen && peer.synSeen {
		// RFC 7323 §2.2: scaling is in force only if both SYNs offered it.
		s.WinShift = 0
		if me.wscale >= 0 && peer.wscale >= 0 {
			s.WinShift = me.wscale
		}
	}

	s.Retrans = false
	k := segKey{seq: s.Seq, len: uint32(s.Len), synFin: s.Flags & (event.FlagSYN | event.FlagFIN)}
	if k.len == 0 && k.synFin == 0 {
		return // pure ACKs are not retransmitted, only repeated
	}
	end := s.Seq + k.len
	if k.synFin.Has(event.FlagSYN) {
		end++
	}
	if k.synFin.Has(event.FlagFIN) {
		end++
	}
	if seqLE(end, me.maxEnd) {
		for _, r := range me.recent {
			if r == k {
				s.Retrans = true
				return
			}
		}
	} else {
		me.maxEnd = end
	}
	if len(me.recent) < recentSegs {
		me.recent = append(me.recent, k)
	} else {
		me.recent[me.next] = k
		me.next = (me.next + 1) % recentSegs
	}
}

// seqLE compares sequence numbers modulo 2^32 (RFC 1982 style), since a
// connection may start anywhere and wrap.
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }

// lookup returns the conn for key, creating it (and evicting the least
// recently used one if full), and marks it most recently used.
func (f *Flows) lookup(key connKey) *conn {
	if f.m == nil { // zero Flows value
		f.m = make(map[connKey]*conn)
		f.lru.next, f.lru.prev = &f.lru, &f.lru
	}
	if c := f.lru.next; c != &f.lru && c.key == key {
		// The connection of the segment before: a lab's segments come a
		// connection at a time, and key is 65 bytes to hash.
		return c
	}
	if c, ok := f.m[key]; ok {
		if f.lru.next != c {
			c.prev.next, c.next.prev = c.next, c.prev
			f.pushFront(c)
		}
		return c
	}
	limit := f.MaxFlows
	if limit <= 0 {
		limit = DefaultMaxFlows
	}
	var c *conn
	if len(f.m) >= limit {
		// Reuse the evicted conn and its rings: under a flood this keeps
		// tracking allocation-free.
		c = f.lru.prev
		c.prev.next, c.next.prev = c.next, c.prev
		delete(f.m, c.key)
		r0, r1 := c.d[0].recent[:0], c.d[1].recent[:0]
		*c = conn{}
		c.d[0].recent, c.d[1].recent = r0, r1
	} else {
		c = new(conn)
	}
	c.key = key
	f.m[key] = c
	f.pushFront(c)
	return c
}

func (f *Flows) pushFront(c *conn) {
	c.prev, c.next = &f.lru, f.lru.next
	f.lru.next.prev = c
	f.lru.next = c
}

package wire

import (
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
)

// recent is the Linker's memory of the few sockets it met last. A lab's
// traffic is a handful of connections: the same two or four 4-tuples come
// back call after call and segment after segment, and each map access of
// the Linker hashes a 32- or 64-byte key under the sequencer's lock (on a
// lab echo round trip the Linker's map work was about 1.4 µs of CPU). An
// entry is compared by value, not hashed.
//
// It only ever repeats what the maps hold: an entry says what a map had,
// or was given, for its key, and every write to those maps goes through it.
// When a map is cleared (linkerCap), gen moves on and every entry is stale.
type recent struct {
	gen uint64
	// ver moves at every write to the Linker's streams, conns and owners
	// (and with gen): a pair read at an older ver may be stale.
	ver      uint64
	pairs    [2]recentPair
	nextPair int
	calls    [recentSize]recentCall
	nextCall int
	streams  [recentSize]recentStream
	conns    [recentSize]recentOwner
	owners   [recentSize]recentOwner
	next     struct{ streams, conns, owners, texts int } // the entry each overwrites next
	// texts are the last segment summaries made ("ACK", "PSH,ACK len=64"):
	// a lab's segments repeat them, and each was an allocation.
	texts [recentSize]recentText
}

type recentText struct {
	proto string
	flags event.Flags
	n     int
	text  string
}

// recentSize is how many of each the Linker remembers: a lab's client and
// server ends of two connections.
const recentSize = 4

type recentStream struct {
	ports uint32 // t's two ports: most entries differ there, cheaper to compare first
	t     tuple
	st    *stream
	gen   uint64
}

// portsOf packs a tuple's ports into the key an entry is first compared by.
func portsOf(t tuple) uint32 { return uint32(t.local.Port())<<16 | uint32(t.remote.Port()) }

// recentOwner is a conns entry (t: the 4-tuple) or an owners entry (t.local
// only) with the owner the map holds for it.
type recentOwner struct {
	ports uint32
	t     tuple
	o     owner
	gen   uint64
}

func (r *recent) stream(t tuple) *stream {
	ports := portsOf(t)
	for i := range r.streams {
		if e := &r.streams[i]; e.ports == ports && e.gen == r.gen && e.st != nil && e.t == t {
			return e.st
		}
	}
	return nil
}

func (r *recent) keepStream(t tuple, st *stream) {
	r.streams[r.next.streams] = recentStream{ports: portsOf(t), t: t, st: st, gen: r.gen}
	r.next.streams = (r.next.streams + 1) % recentSize
}

// owner finds t in list (conns or owners).
func (r *recent) owner(list *[recentSize]recentOwner, t tuple) (owner, bool) {
	ports := portsOf(t)
	for i := range list {
		if e := &list[i]; e.ports == ports && e.gen == r.gen && e.t == t {
			return e.o, true
		}
	}
	return owner{}, false
}

// keepOwner records that the map behind list now holds o for t.
func (r *recent) keepOwner(list *[recentSize]recentOwner, next *int, t tuple, o owner) {
	ports := portsOf(t)
	for i := range list {
		if e := &list[i]; e.ports == ports && e.gen == r.gen && e.t == t {
			e.o = o
			return
		}
	}
	list[*next] = recentOwner{ports: ports, t: t, o: o, gen: r.gen}
	*next = (*next + 1) % recentSize
}

// summary is seg.Summary().
func (r *recent) summary(seg *event.Segment) string {
	if seg.IsICMP() {
		return seg.Summary() // its words are its type's and code's
	}
	for i := range r.texts {
		if e := &r.texts[i]; e.text != "" && e.n == seg.Len && e.flags == seg.Flags && e.proto == seg.Proto {
			return e.text
		}
	}
	text := seg.Summary()
	r.texts[r.next.texts] = recentText{proto: seg.Proto, flags: seg.Flags, n: seg.Len, text: text}
	r.next.texts = (r.next.texts + 1) % recentSize
	return text
}

// forget makes every entry stale: a map was cleared.
func (r *recent) forget() { r.gen++; r.ver++ }

// segPair is what linking a TCP segment from src to dst looks up: both
// ends' owners (ownerOf) and both directions' streams (rev nil when the
// receiver has none yet).
type segPair struct {
	from, to     owner
	fromOK, toOK bool
	st, rev      *stream
}

// recentPair is a segPair kept for a 4-tuple: a lab's segments alternate
// between a connection's two directions, and each was five lookups.
type recentPair struct {
	t   tuple
	ver uint64
	p   segPair
}

// sockSeen is what observing a call of a socket looks up: its stream (nil
// when it has no peer) and its recent moving calls (nil until it has one).
type sockSeen struct {
	st    *stream
	calls *[]span
}

// recentCall is a socket whose owners setOwners has written: its 4-tuple
// (remote invalid without a peer), owner and kind, and what observing its
// call looked up, as of ver.
type recentCall struct {
	t    tuple
	o    owner
	conn bool
	ver  uint64
	seen sockSeen
}

// call reports whether a call of the socket t, owned by o, would change
// nothing setOwners writes (its owners were written and nothing was
// written since), and what it looked up then.
func (r *recent) call(t tuple, o owner, conn bool) (sockSeen, bool) {
	for i := range r.calls {
		if e := &r.calls[i]; e.ver == r.ver && e.t == t && e.o == o && e.conn == conn {
			return e.seen, true
		}
	}
	return sockSeen{}, false
}

// keepCall records that the maps hold o for socket t, and what observing
// its call looked up.
func (r *recent) keepCall(t tuple, o owner, conn bool, seen sockSeen) {
	for i := range r.calls {
		if e := &r.calls[i]; e.t == t && e.o == o && e.conn == conn {
			*e = recentCall{t, o, conn, r.ver, seen}
			return
		}
	}
	r.calls[r.nextCall] = recentCall{t, o, conn, r.ver, seen}
	r.nextCall = (r.nextCall + 1) % len(r.calls)
}

// pair returns the segPair kept for t, if no write to the maps came since.
func (r *recent) pair(t tuple) (segPair, bool) {
	for i := range r.pairs {
		if e := &r.pairs[i]; e.ver == r.ver && e.p.st != nil && e.t == t {
			return e.p, true
		}
	}
	return segPair{}, false
}

// keepPair keeps p for t, as the maps are now.
func (r *recent) keepPair(t tuple, p segPair) {
	for i := range r.pairs {
		if e := &r.pairs[i]; e.t == t {
			*e = recentPair{t, r.ver, p}
			return
		}
	}
	r.pairs[r.nextPair] = recentPair{t, r.ver, p}
	r.nextPair = (r.nextPair + 1) % len(r.pairs)
}

// streamAt returns the stream a socket sends on its 4-tuple, or nil.
func (k *Linker) streamAt(local, remote netip.AddrPort) *stream {
	t := tuple{local, remote}
	if st := k.recent.stream(t); st != nil {
		return st
	}
	st := k.streams[t]
	if st != nil {
		k.recent.keepStream(t, st)
	}
	return st
}

// setOwners records that the socket (local, remote) is o's: its 4-tuple in
// conns when it has a peer, its address in owners unless it is a
// connection a server accepted (the listener owns that address). A map is
// written only when it does not hold o already.
func (k *Linker) setOwners(local, remote netip.AddrPort, o owner, conn bool) {
	r := &k.recent
	if !conn {
		t := tuple{local: local}
		if have, ok := r.owner(&r.owners, t); !ok || have != o {
			k.owners[local] = o
			r.ver++
			r.keepOwner(&r.owners, &r.next.owners, t, o)
		}
	}
	if remote.IsValid() {
		t := tuple{local, remote}
		if have, ok := r.owner(&r.conns, t); !ok || have != o {
			k.conns[t] = o
			r.ver++
			r.keepOwner(&r.conns, &r.next.conns, t, o)
		}
	}
}

// connOwner is k.conns[{local, remote}].
func (k *Linker) connOwner(local, remote netip.AddrPort) (owner, bool) {
	t := tuple{local, remote}
	return lookOwner(&k.recent, &k.recent.conns, &k.recent.next.conns, t, k.conns, t)
}

// addrOwner is k.owners[local].
func (k *Linker) addrOwner(local netip.AddrPort) (owner, bool) {
	return lookOwner(&k.recent, &k.recent.owners, &k.recent.next.owners, tuple{local: local}, k.owners, local)
}

// lookOwner is m[key], from list when it holds t (key's entry there), and
// kept there when it did not.
func lookOwner[K comparable](r *recent, list *[recentSize]recentOwner, next *int, t tuple, m map[K]owner, key K) (owner, bool) {
	if o, ok := r.owner(list, t); ok {
		return o, true
	}
	o, ok := m[key]
	if ok {
		r.keepOwner(list, next, t, o)
	}
	return o, ok
}

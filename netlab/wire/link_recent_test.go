package wire

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// TestLinkerRecentAgreesWithItsMaps: the Linker's memory of recent sockets
// only ever repeats what its maps hold. Calls and segments of many sockets
// (more than linkerCap, so the maps are cleared on the way), a few of them
// hot, each followed by every lookup compared with the map behind it, and
// every remembered call and segment pair with what the maps say now.
func TestLinkerRecentAgreesWithItsMaps(t *testing.T) {
	k := NewLinker()
	rng := rand.New(rand.NewPCG(1, 2))
	addr := func(port int) netip.AddrPort {
		return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(1024+port))
	}
	pick := func() netip.AddrPort {
		if rng.IntN(2) > 0 {
			return addr(rng.IntN(6)) // hot: the recent entries' sockets
		}
		return addr(6 + rng.IntN(3*linkerCap))
	}
	actors := []string{"server", "client 1", "client 2"}
	roles := []event.Role{event.RoleServer, event.RoleClient, event.RoleConn}
	clears := 0
	for i := range 100_000 {
		local, remote := pick(), pick()
		if rng.IntN(5) == 0 {
			remote = netip.AddrPort{}
		}
		switch rng.IntN(4) {
		case 0:
			before := len(k.owners)
			e := event.Event{Kind: event.KindCall, Op: event.OpSend, CallID: event.CallID(i + 1), Actor: actors[rng.IntN(3)],
				Role: roles[rng.IntN(3)], FD: 5, Local: local, Remote: remote, Result: 1, Text: "5",
				Enter: time.Unix(0, int64(i)), Return: time.Unix(0, int64(i)+1)}
			k.Observe(&e)
			if len(k.owners) < before {
				clears++
			}
		case 1:
			if remote.IsValid() {
				k.streamOf(local, remote)
			}
		case 2:
			k.ownerOf(local, remote)
		case 3:
			if remote.IsValid() {
				k.linkSegment(event.Segment{Proto: "tcp", Src: local, Dst: remote, Flags: event.FlagACK, Seq: uint32(i), Ack: 1,
					WinShift: -1, Opts: event.Options{WScale: -1}}, 66, int64(i))
			}
		}
		checkRecentMemos(t, k, i)
		if got, want := k.streamAt(local, remote), k.streams[tuple{local, remote}]; got != want {
			t.Fatalf("op %d: stream of %v > %v: recent %p, map %p", i, local, remote, got, want)
		}
		o, ok := k.connOwner(local, remote)
		if mo, mok := k.conns[tuple{local, remote}]; o != mo || ok != mok {
			t.Fatalf("op %d: conn %v > %v: recent %v %v, map %v %v", i, local, remote, o, ok, mo, mok)
		}
		o, ok = k.addrOwner(local)
		if mo, mok := k.owners[local]; o != mo || ok != mok {
			t.Fatalf("op %d: owner of %v: recent %v %v, map %v %v", i, local, o, ok, mo, mok)
		}
	}
	if clears == 0 || len(k.streams) == 0 {
		t.Fatalf("the maps were cleared %d times (streams: %d): the test did not reach linkerCap", clears, len(k.streams))
	}
}

// TestLinkerRecentSummaries: a remembered summary is the segment's own.
func TestLinkerRecentSummaries(t *testing.T) {
	var r recent
	rng := rand.New(rand.NewPCG(3, 4))
	protos := []string{"tcp", "udp", "tcp6"}
	for i := range 5000 {
		seg := event.Segment{Proto: protos[rng.IntN(len(protos))], Flags: event.Flags(rng.IntN(8)), Len: rng.IntN(3) * 32}
		if got, want := r.summary(&seg), seg.Summary(); got != want {
			t.Fatalf("segment %d (%s %v len %d): %q, want %q", i, seg.Proto, seg.Flags, seg.Len, got, want)
		}
	}
}

// checkRecentMemos compares every call and segment pair the Linker's
// recent memory would still answer with what its maps hold now.
func checkRecentMemos(t *testing.T, k *Linker, op int) {
	t.Helper()
	r := &k.recent
	for _, e := range r.calls {
		seen, ok := r.call(e.t, e.o, e.conn)
		if !ok || seen != e.seen {
			continue // stale: it will not be used
		}
		if o, in := k.owners[e.t.local]; !e.conn && (!in || o != e.o) {
			t.Fatalf("op %d: a call of %v by %v is remembered as set, the owners map has %v %v", op, e.t, e.o, o, in)
		}
		if o, in := k.conns[e.t]; e.t.remote.IsValid() && (!in || o != e.o) {
			t.Fatalf("op %d: a call of %v by %v is remembered as set, the conns map has %v %v", op, e.t, e.o, o, in)
		}
		if seen.st != nil && seen.st != k.streams[e.t] {
			t.Fatalf("op %d: %v's remembered stream is not the map's", op, e.t)
		}
		if seen.calls != nil && seen.calls != k.calls[e.t.local] {
			t.Fatalf("op %d: %v's remembered calls are not the map's", op, e.t.local)
		}
	}
	for _, e := range r.pairs {
		p, ok := r.pair(e.t)
		if !ok {
			continue
		}
		from, fromOK := ownerFromMaps(k, e.t.local, e.t.remote)
		to, toOK := ownerFromMaps(k, e.t.remote, e.t.local)
		if p.from != from || p.fromOK != fromOK || p.to != to || p.toOK != toOK {
			t.Fatalf("op %d: the pair %v remembers owners %v %v / %v %v, the maps say %v %v / %v %v",
				op, e.t, p.from, p.fromOK, p.to, p.toOK, from, fromOK, to, toOK)
		}
		if p.st != k.streams[e.t] || p.rev != k.streams[tuple{e.t.remote, e.t.local}] {
			t.Fatalf("op %d: the pair %v remembers streams the maps do not hold", op, e.t)
		}
	}
}

// ownerFromMaps is ownerOf read from the maps alone.
func ownerFromMaps(k *Linker, local, remote netip.AddrPort) (owner, bool) {
	if o, ok := k.conns[tuple{local, remote}]; ok {
		return o, true
	}
	if o, ok := k.owners[local]; ok {
		return o, true
	}
	o, ok := k.owners[wildcard(local)]
	return o, ok
}

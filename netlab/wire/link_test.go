package wire

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// These tests feed the Linker the events and segments of one scenario
// each, in the order the sequencer releases them, and check each rule that
// names a segment's origin. Times are nanoseconds on a made-up clock.

var (
	linkCli = netip.MustParseAddrPort("127.0.0.1:40000")
	linkSrv = netip.MustParseAddrPort("127.0.0.1:1081")
	isnC    = uint32(1000)
	isnS    = uint32(5000)
)

type linkRun struct {
	t  testing.TB
	k  *Linker
	id event.CallID
}

func newLinkRun(t testing.TB) *linkRun { return &linkRun{t: t, k: NewLinker()} }

// call observes one call that entered the kernel at enter and returned at
// ret; it returns the call's id.
func (r *linkRun) call(kind event.Kind, op event.Op, actor string, role event.Role, fd int, local, remote netip.AddrPort, result int, enter, ret int64, mod ...func(*event.Event)) event.CallID {
	r.id++
	e := event.Event{Kind: kind, Op: op, CallID: r.id, Actor: actor, Role: role, FD: fd, Local: local, Remote: remote,
		Result: result, Text: op.String(), Enter: time.Unix(0, enter), Return: time.Unix(0, ret)}
	for _, m := range mod {
		m(&e)
	}
	r.k.Observe(&e)
	return r.id
}

func (r *linkRun) seg(src, dst netip.AddrPort, flags event.Flags, seq, ack uint32, n int, at int64) *event.Packet {
	r.t.Helper()
	p := r.k.linkSegment(event.Segment{Proto: "tcp", Src: src, Dst: dst, Flags: flags, Seq: seq, Ack: ack, Len: n,
		WinShift: -1, Opts: event.Options{WScale: -1}}, 66+n, at)
	if p == nil {
		r.t.Fatalf("segment %v > %v not linked to the lab", src, dst)
	}
	return p
}

// handshake sets up a connected pair: the client's connect (which returned
// EINPROGRESS at 10, before its SYN was seen at 20) and the server's listener and accept.
func (r *linkRun) handshake(accept bool) (connect event.CallID) {
	r.call(event.KindCall, event.OpListen, "server", event.RoleServer, 3, linkSrv, netip.AddrPort{}, 0, 0, 1)
	connect = r.call(event.KindBlocked, event.OpConnect, "client", event.RoleClient, 5, linkCli, netip.AddrPort{}, -1, 5, 10,
		func(e *event.Event) { e.Args.Addr = linkSrv })
	r.seg(linkCli, linkSrv, event.FlagSYN, isnC, 0, 0, 20)
	r.seg(linkSrv, linkCli, event.FlagSYN|event.FlagACK, isnS, isnC+1, 0, 21)
	r.seg(linkCli, linkSrv, event.FlagACK, isnC+1, isnS+1, 0, 22)
	r.call(event.KindCall, event.OpConnect, "client", event.RoleClient, 5, linkCli, linkSrv, 0, 5, 30)
	if accept {
		r.call(event.KindCall, event.OpAccept, "server", event.RoleConn, 3, linkSrv, linkCli, 6, 25, 31)
	}
	return connect
}

func wantCall(t *testing.T, what string, p *event.Packet, id event.CallID, op event.Op, rule event.Rule) {
	t.Helper()
	if p.Origin != event.OriginCall || p.Cause != id || p.CauseOp != op || p.Rule != rule {
		t.Errorf("%s: origin %v cause %d %v rule %v (%q), want call %d %v by %v", what, p.Origin, p.Cause, p.CauseOp, p.Rule, p.Why, id, op, rule)
	}
}

func wantKernel(t *testing.T, what string, p *event.Packet, reason event.Reason) {
	t.Helper()
	if p.Origin != event.OriginKernel || p.Reason != reason {
		t.Errorf("%s: origin %v reason %v cause %d (%q), want kernel, %v", what, p.Origin, p.Reason, p.Cause, p.Why, reason)
	}
}

// TestLinkFirstSYN: a SYN seen after its connect returned EINPROGRESS is
// still the connect's (the first SYN of the 4-tuple); a second copy is the
// kernel's retransmission.
func TestLinkFirstSYN(t *testing.T) {
	r := newLinkRun(t)
	r.call(event.KindCall, event.OpListen, "server", event.RoleServer, 3, linkSrv, netip.AddrPort{}, 0, 0, 1)
	id := r.call(event.KindBlocked, event.OpConnect, "client", event.RoleClient, 5, linkCli, netip.AddrPort{}, -1, 5, 10,
		func(e *event.Event) { e.Args.Addr = linkSrv })
	syn := r.seg(linkCli, linkSrv, event.FlagSYN, isnC, 0, 0, 36) // 26 ns after connect returned
	wantCall(t, "SYN after EINPROGRESS", syn, id, event.OpConnect, event.RuleFirstSYN)
	again := r.seg(linkCli, linkSrv, event.FlagSYN, isnC, 0, 0, 1_000_000_036)
	wantKernel(t, "the SYN again", again, event.ReasonRetrans)
	synack := r.seg(linkSrv, linkCli, event.FlagSYN|event.FlagACK, isnS, isnC+1, 0, 1_000_000_037)
	wantKernel(t, "SYN-ACK", synack, event.ReasonAnswerSYN)
	ack := r.seg(linkCli, linkSrv, event.FlagACK, isnC+1, isnS+1, 0, 1_000_000_038)
	wantKernel(t, "the handshake's ACK", ack, event.ReasonAck)
}

// TestLinkBytes: a data segment names the send whose bytes it carries,
// however long after the send returned; bytes from two sends name both.
func TestLinkBytes(t *testing.T) {
	r := newLinkRun(t)
	r.handshake(true)
	s1 := r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 5, 40, 41)
	s2 := r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 5, 42, 43)
	first := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1, isnS+1, 5, 41)
	wantCall(t, "send #1's bytes", first, s1, event.OpSend, event.RuleBytes)
	if !strings.Contains(first.Why, "all 5 bytes of send #1") || first.Reason == event.ReasonHeld {
		t.Errorf("send #1's segment: %q (reason %v)", first.Why, first.Reason)
	}
	// Nagle held send #2's bytes until the server's ACK 40 ms later.
	r.seg(linkSrv, linkCli, event.FlagACK, isnS+1, isnC+6, 0, 40_000_042)
	held := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+6, isnS+1, 5, 40_000_043)
	wantCall(t, "held bytes", held, s2, event.OpSend, event.RuleBytes)
	if held.Reason != event.ReasonHeld || !strings.Contains(held.Why, "send #2") || !strings.Contains(held.Why, "after send() returned") ||
		!strings.Contains(held.Why, "until server's ack 6 arrived") {
		t.Errorf("held segment: %q (reason %v), want send #2 held", held.Why, held.Reason)
	}
	again := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+6, isnS+1, 5, 240_000_043)
	wantKernel(t, "send #2's bytes again", again, event.ReasonRetrans)
	if !strings.Contains(again.Why, "send #2") {
		t.Errorf("retransmission: %q, want it to name send #2", again.Why)
	}
	s3 := r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 3000, 50, 51)
	part := r.seg(linkCli, linkSrv, event.FlagACK, isnC+11+1024, isnS+1, 1024, 52)
	wantCall(t, "middle of send #3", part, s3, event.OpSend, event.RuleBytes)
	if !strings.Contains(part.Why, "bytes 1025–2048 of send #3") {
		t.Errorf("part of send #3: %q", part.Why)
	}
	r2 := newLinkRun(t)
	r2.handshake(true)
	a := r2.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 3, 40, 41)
	r2.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 4, 42, 43)
	both := r2.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1, isnS+1, 7, 44)
	wantCall(t, "two sends' bytes", both, a, event.OpSend, event.RuleBytes)
	if !strings.Contains(both.Why, "sends #1–#2") {
		t.Errorf("two sends: %q", both.Why)
	}
}

// TestLinkBytesPastTheSendLog: a connection that has made more sends than
// the Linker remembers (sendLog) still has its latest sends' bytes linked,
// each to its own send, across the point where the log wraps; bytes of a
// send it has forgotten are no send's rather than a wrong one's.
func TestLinkBytesPastTheSendLog(t *testing.T) {
	r := newLinkRun(t)
	r.handshake(true)
	const sends = 3*sendLog + 5
	ids := make([]event.CallID, sends+1) // ids[n]: send #n
	off := make([]uint32, sends+2)       // off[n]: send #n's first byte
	for n := 1; n <= sends; n++ {
		size := 1 + n%7 // sizes differ, so a send found by the wrong offset shows
		at := int64(100 + 2*n)
		ids[n] = r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, size, at, at+1)
		off[n+1] = off[n] + uint32(size)
	}
	for _, n := range []int{sends, sends - 1, sends - sendLog/2, sends - sendLog + 1} {
		p := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1+off[n], isnS+1, int(off[n+1]-off[n]), 1_000_000)
		wantCall(t, "send #"+strconv.Itoa(n)+"'s bytes", p, ids[n], event.OpSend, event.RuleBytes)
		if want := "of send #" + strconv.Itoa(n); !strings.Contains(p.Why, want) {
			t.Errorf("send #%d's segment: %q, want %q", n, p.Why, want)
		}
	}
	gone := sends - sendLog
	p := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1+off[gone], isnS+1, int(off[gone+1]-off[gone]), 1_000_000)
	if p.Origin == event.OriginCall {
		t.Errorf("bytes of send #%d, forgotten, linked to %v (%q)", gone, p.CauseText, p.Why)
	}
}

// TestLinkNothingOutsideASpan: the Linker never gives a call a segment
// outside what the call did: bytes past every send's range are no send's,
// even while a send is in the kernel; and where the timing fallback is all
// there is, a segment seen after the call returned is not the call's.
func TestLinkNothingOutsideASpan(t *testing.T) {
	r := newLinkRun(t)
	r.handshake(true)
	r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 5, 40, 60)
	beyond := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1+5, isnS+1, 5, 50) // bytes 6–10: no send put them in
	if beyond.Origin == event.OriginCall {
		t.Errorf("bytes beyond every send linked to %v (%q)", beyond.CauseOp, beyond.Why)
	}
	next := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1+5, isnS+1, 1, 51) // the one byte just past send #1
	if next.Origin == event.OriginCall {
		t.Errorf("the byte after a send's last linked to %v (%q)", next.CauseOp, next.Why)
	}

	// No handshake captured: only timing can say anything.
	r = newLinkRun(t)
	r.call(event.KindCall, event.OpAccept, "server", event.RoleConn, 3, linkSrv, linkCli, 6, 0, 1)
	r.call(event.KindCall, event.OpConnect, "client", event.RoleClient, 5, linkCli, linkSrv, 0, 0, 1)
	id := r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 5, 100, 200)
	during := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, 77, 88, 5, 150)
	wantCall(t, "seen during the send", during, id, event.OpSend, event.RuleTiming)
	if !strings.Contains(during.Why, "matched by time") {
		t.Errorf("a timing match does not say so: %q", during.Why)
	}
	after := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, 82, 88, 5, 201)
	if after.Origin == event.OriginCall {
		t.Errorf("a segment seen after send returned was linked to it by time (%q)", after.Why)
	}
	before := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, 87, 88, 5, 99)
	if before.Origin == event.OriginCall {
		t.Errorf("a segment seen before send entered the kernel was linked to it by time (%q)", before.Why)
	}
}

// TestLinkFIN: a FIN at the stream's end is the call that ended the
// stream; a FIN elsewhere is not.
func TestLinkFIN(t *testing.T) {
	r := newLinkRun(t)
	r.handshake(true)
	r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 5, 40, 41)
	r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1, isnS+1, 5, 41)
	sh := r.call(event.KindCall, event.OpShutdown, "client", event.RoleClient, 5, linkCli, linkSrv, 0, 50, 51, func(e *event.Event) { e.Args.Option = "SHUT_WR" })
	wrong := r.seg(linkCli, linkSrv, event.FlagFIN|event.FlagACK, isnC+1+3, isnS+1, 0, 300) // not at the end (6)
	if wrong.Origin == event.OriginCall && wrong.Rule == event.RuleStreamEnd {
		t.Errorf("a FIN before the stream's end linked to %v", wrong.CauseOp)
	}
	fin := r.seg(linkCli, linkSrv, event.FlagFIN|event.FlagACK, isnC+1+5, isnS+1, 0, 300)
	wantCall(t, "FIN at the end", fin, sh, event.OpShutdown, event.RuleStreamEnd)
	r.call(event.KindCall, event.OpRecv, "server", event.RoleConn, 6, linkSrv, linkCli, 5, 350, 351) // all read: close sends a FIN
	srvFin := r.call(event.KindCall, event.OpClose, "server", event.RoleConn, 6, linkSrv, linkCli, 0, 400, 401)
	p := r.seg(linkSrv, linkCli, event.FlagFIN|event.FlagACK, isnS+1, isnC+7, 0, 401)
	wantCall(t, "server's FIN", p, srvFin, event.OpClose, event.RuleStreamEnd)
}

// TestLinkResetCauses: each situation in which the kernel sends a RST is
// named, and a RST sent inside close() is not blamed on unread data unless
// data was left unread.
func TestLinkResetCauses(t *testing.T) {
	t.Run("unread data at close", func(t *testing.T) {
		r := newLinkRun(t)
		r.handshake(true)
		r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 6, 40, 41)
		r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1, isnS+1, 6, 41)
		r.call(event.KindCall, event.OpRecv, "server", event.RoleConn, 6, linkSrv, linkCli, 2, 42, 43) // 4 bytes left unread
		c := r.call(event.KindCall, event.OpClose, "server", event.RoleConn, 6, linkSrv, linkCli, 0, 50, 52)
		p := r.seg(linkSrv, linkCli, event.FlagRST|event.FlagACK, isnS+1, isnC+7, 0, 51)
		wantCall(t, "RST", p, c, event.OpClose, event.RuleReset)
		if p.Reason != event.ReasonRSTUnread || !strings.Contains(p.Why, "unread") {
			t.Errorf("reason %v %q, want unread data", p.Reason, p.Why)
		}
	})
	t.Run("all data read: a FIN, not a RST", func(t *testing.T) {
		r := newLinkRun(t)
		r.handshake(true)
		r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 6, 40, 41)
		r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1, isnS+1, 6, 41)
		r.call(event.KindCall, event.OpRecv, "server", event.RoleConn, 6, linkSrv, linkCli, 6, 42, 43)
		c := r.call(event.KindCall, event.OpClose, "server", event.RoleConn, 6, linkSrv, linkCli, 0, 50, 52)
		fin := r.seg(linkSrv, linkCli, event.FlagFIN|event.FlagACK, isnS+1, isnC+7, 0, 51)
		wantCall(t, "FIN", fin, c, event.OpClose, event.RuleStreamEnd)
		// The client writes again; the closed socket's kernel resets.
		r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 3, 60, 61)
		r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+7, isnS+2, 3, 61)
		p := r.seg(linkSrv, linkCli, event.FlagRST, isnS+2, 0, 0, 62)
		wantKernel(t, "RST after close", p, event.ReasonRSTNoConn)
	})
	t.Run("SO_LINGER 0", func(t *testing.T) {
		r := newLinkRun(t)
		r.call(event.KindCall, event.OpSetsockopt, "client", event.RoleClient, 5, netip.AddrPort{}, netip.AddrPort{}, 0, 0, 1,
			func(e *event.Event) { e.Args.Option, e.Args.Value = "SO_LINGER", 0 })
		r.handshake(true)
		c := r.call(event.KindCall, event.OpClose, "client", event.RoleClient, 5, linkCli, linkSrv, 0, 50, 52)
		p := r.seg(linkCli, linkSrv, event.FlagRST|event.FlagACK, isnC+1, isnS+1, 0, 51)
		wantCall(t, "RST", p, c, event.OpClose, event.RuleReset)
		if p.Reason != event.ReasonRSTLinger0 {
			t.Errorf("reason %v %q, want SO_LINGER 0", p.Reason, p.Why)
		}
	})
	t.Run("listener closed before accept", func(t *testing.T) {
		r := newLinkRun(t)
		r.handshake(false)
		c := r.call(event.KindCall, event.OpClose, "server", event.RoleServer, 3, linkSrv, netip.AddrPort{}, 0, 50, 52)
		p := r.seg(linkSrv, linkCli, event.FlagRST|event.FlagACK, isnS+1, isnC+1, 0, 51)
		wantCall(t, "RST", p, c, event.OpClose, event.RuleReset)
		if p.Reason != event.ReasonRSTUnaccepted || strings.Contains(p.Why, "unread") {
			t.Errorf("reason %v %q, want never accepted", p.Reason, p.Why)
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		r := newLinkRun(t)
		r.call(event.KindCall, event.OpClose, "gone", event.RoleServer, 4, linkSrv, netip.AddrPort{}, 0, 0, 1)
		r.call(event.KindBlocked, event.OpConnect, "client", event.RoleClient, 5, linkCli, netip.AddrPort{}, -1, 5, 10, func(e *event.Event) { e.Args.Addr = linkSrv })
		r.seg(linkCli, linkSrv, event.FlagSYN, isnC, 0, 0, 20)
		p := r.seg(linkSrv, linkCli, event.FlagRST|event.FlagACK, 0, isnC+1, 0, 21)
		wantKernel(t, "RST", p, event.ReasonRSTNoListener)
		if !strings.Contains(p.Why, "nothing listens on port 1081") {
			t.Errorf("why %q", p.Why)
		}
	})
}

// TestLinkDatagramAndICMP: a datagram is its sendto's; the port
// unreachable that quotes it is the kernel's answer to that sendto.
func TestLinkDatagramAndICMP(t *testing.T) {
	r := newLinkRun(t)
	any := netip.MustParseAddrPort("0.0.0.0:40001")
	src := netip.MustParseAddrPort("127.0.0.1:40001")
	gone := netip.MustParseAddrPort("127.0.0.1:4242")
	r.call(event.KindCall, event.OpSendto, "sender", event.RoleClient, 7, any, gone, 5, 0, 10, func(e *event.Event) { e.Args.Addr = gone })
	id := r.call(event.KindCall, event.OpSendto, "sender", event.RoleClient, 7, any, gone, 7, 20, 30, func(e *event.Event) { e.Args.Addr = gone })
	d1 := r.k.linkSegment(event.Segment{Proto: "udp", Src: src, Dst: gone, Len: 5}, 47, 5)
	d2 := r.k.linkSegment(event.Segment{Proto: "udp", Src: src, Dst: gone, Len: 7}, 49, 400) // after sendto returned
	if d1 == nil || d2 == nil {
		t.Fatal("datagrams not linked to the lab")
	}
	wantCall(t, "second datagram", d2, id, event.OpSendto, event.RuleDatagram)
	icmp := event.Segment{Proto: "icmp", Src: netip.AddrPortFrom(src.Addr(), 0), Dst: netip.AddrPortFrom(src.Addr(), 0),
		ICMP: event.ICMP{Type: 3, Code: 3, Quoted: event.ICMPQuote{Proto: "udp", Src: src, Dst: gone, Len: 7}}}
	p := r.k.linkSegment(icmp, 77, 401)
	if p == nil {
		t.Fatal("ICMP error not linked")
	}
	wantKernel(t, "port unreachable", p, event.ReasonPortUnreachable)
	if p.Cause != id || p.CauseOp != event.OpSendto || p.To != "sender" || p.FromName() != "kernel" {
		t.Errorf("ICMP: cause %d %v to %q from %q, want sendto %d to sender from kernel", p.Cause, p.CauseOp, p.To, p.FromName(), id)
	}
	if p.FromRole == event.RoleClient {
		t.Errorf("the ICMP error to a client is drawn from the client's side (FromRole %v)", p.FromRole)
	}
	if !strings.Contains(p.Why, "port 4242") {
		t.Errorf("why %q", p.Why)
	}
}

// TestLinkOutside: a segment from a socket none of the lab's calls used is
// from outside socklab, not the kernel's.
func TestLinkOutside(t *testing.T) {
	r := newLinkRun(t)
	r.call(event.KindCall, event.OpListen, "server", event.RoleServer, 3, linkSrv, netip.AddrPort{}, 0, 0, 1)
	nc := netip.MustParseAddrPort("127.0.0.1:50000")
	p := r.seg(nc, linkSrv, event.FlagSYN, 1, 0, 0, 5)
	if p.Origin != event.OriginOutside || p.Cause != 0 {
		t.Errorf("nc's SYN: origin %v (%q), want outside", p.Origin, p.Why)
	}
}

// BenchmarkLinkData is the Linker's work for one send and the data segment
// carrying it, on a connection with a full log of earlier sends: what
// linking by content adds per segment.
func BenchmarkLinkData(b *testing.B) {
	r := newLinkRun(b)
	r.handshake(true)
	seq := isnC + 1
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		at := int64(100 + 10*i)
		r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 64, at, at+2)
		p := r.k.linkSegment(event.Segment{Proto: "tcp", Src: linkCli, Dst: linkSrv, Flags: event.FlagPSH | event.FlagACK,
			Seq: seq, Ack: isnS + 1, Len: 64, WinShift: -1, Opts: event.Options{WScale: -1}}, 130, at+1)
		if p.Origin != event.OriginCall {
			b.Fatalf("segment %d: %q", i, p.Why)
		}
		seq += 64
	}
}

// TestLinkNamesASendThatLeftItsText: a send whose text was left to a trace
// writer (Event.TextLater) is named, as a segment's cause, by the text the
// writer would make, not by its empty Text.
func TestLinkNamesASendThatLeftItsText(t *testing.T) {
	r := newLinkRun(t)
	r.handshake(true)
	sent := []byte("hello")
	id := r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, len(sent), 40, 60,
		func(e *event.Event) { e.Text, e.TextLater, e.Data, e.Args.Size = "", true, sent, len(sent) })
	p := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1, isnS+1, len(sent), 50)
	wantCall(t, "the send's bytes", p, id, event.OpSend, event.RuleBytes)
	if want := `send(5, "hello", 5, 0)`; p.CauseText != want {
		t.Errorf("the segment's cause is %q, want %q", p.CauseText, want)
	}
}

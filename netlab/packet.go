package netlab

import (
	"errors"
	"net/netip"
	"strconv"

	"github.com/socklab/socklab/netlab/wire"
)

// Packet is a segment captured on lo, as a KindPacket event carries it
// (Event.Pkt). Everything in it was read from the frame the kernel handed
// the capture socket, except the names of the actors, which come from the
// lab's own calls (whose socket has which address), and the origin.
type Packet struct {
	Seg   wire.Segment
	Frame int // the frame's full length on lo, headers included

	// From and To are the actors whose sockets sent and receive it; "" when
	// the address is none of the lab's sockets (From is "" for an ICMP
	// error: the kernel sent it, from no socket).
	From, To         string
	FromRole, ToRole Role

	// Origin says who sent it, Rule how the linker knows, Reason the
	// kernel's situation (why it answered, why it reset).
	Origin Origin
	Rule   Rule
	Reason Reason

	// Cause is the call that put the segment in motion: the connect that
	// sent a SYN, the send whose bytes it carries, the close that sent a
	// FIN; for an ICMP error, the sendto whose datagram it answers. 0 when
	// no call did.
	Cause     CallID
	CauseOp   Op
	CauseText string // the call as a C programmer writes it: "connect(8, 127.0.0.1:1081)"
	Why       string // the origin in words, for the trace and the screen
}

// linker gives captured packets their actors and origins. It sees the
// events in the log's order, calls before the segments they caused (a
// call's event is ordered by the moment it entered the kernel, the
// segments by the kernel's timestamps), and keeps, per socket, the byte
// ranges its sends put into the stream, so that a segment is linked by what
// it carries rather than when it was seen. It runs under the sequencer's
// lock, so it needs none of its own.
type linker struct {
	dec    *wire.Decoder
	flows  *wire.Flows
	owners map[netip.AddrPort]owner  // a socket's local address → its actor
	conns  map[tuple]owner           // a connected socket's 4-tuple → its actor
	calls  map[netip.AddrPort][]span // sender's local address → recent moving calls (timing fallback)

	streams   map[tuple]*stream             // a sender's (local, remote) → its stream
	dgrams    map[netip.AddrPort][]datagram // sender's local address → its recent datagrams
	listeners map[netip.AddrPort]*listener  // a listening address
	accepted  map[tuple]bool                // (local, remote) of connections accept() returned
	linger0   map[sockKey]bool              // SO_LINGER {1, 0} set before the socket had a 4-tuple
}

type owner struct {
	actor string
	role  Role
}

type tuple struct{ local, remote netip.AddrPort }

type sockKey struct {
	actor string
	fd    int
}

// listener is a listening socket; closed is its close(), which resets the
// connections still waiting to be accepted.
type listener struct{ closed *span }

// span is a call's time in the kernel, during which the segments its socket
// sent are the call's doing.
type span struct {
	id     CallID
	op     Op
	args   string // the call's Event.Text
	remote netip.AddrPort
	enter  int64
	ret    int64
}

// callText is the call as a C programmer writes it, composed only for the
// calls a segment is linked to.
func (s *span) callText() string { return s.op.String() + "(" + s.args + ")" }

// linkerCap bounds each of the linker's tables: a long session forgets its
// oldest connections rather than grow.
const linkerCap = 4096

func newLinker() *linker {
	return &linker{dec: wire.NewDecoder(), flows: wire.NewFlows(), owners: map[netip.AddrPort]owner{},
		conns: map[tuple]owner{}, calls: map[netip.AddrPort][]span{}, streams: map[tuple]*stream{},
		dgrams: map[netip.AddrPort][]datagram{}, listeners: map[netip.AddrPort]*listener{},
		accepted: map[tuple]bool{}, linger0: map[sockKey]bool{}}
}

// streamOf returns the stream a socket sends on its 4-tuple, creating it.
func (k *linker) streamOf(local, remote netip.AddrPort) *stream {
	t := tuple{local, remote}
	st := k.streams[t]
	if st == nil {
		if len(k.streams) >= linkerCap {
			clear(k.streams)
		}
		st = &stream{}
		k.streams[t] = st
	}
	return st
}

// observe learns from a released call event which actor owns which address,
// which bytes each send put into its stream, and when a call could have
// sent something.
func (k *linker) observe(e Event) {
	if e.Kind != KindCall && e.Kind != KindBlocked {
		return
	}
	if e.Op == OpSetsockopt && e.Args.Option == "SO_LINGER" && e.Args.Value == 0 && !e.Failed() {
		// An abortive close: its close() will send a RST, not a FIN.
		if e.Local.IsValid() && e.Remote.IsValid() {
			k.streamOf(e.Local, e.Remote).linger0 = true
		} else {
			k.linger0[sockKey{e.Actor, e.FD}] = true
		}
	}
	if !e.Local.IsValid() {
		return
	}
	if len(k.owners) >= linkerCap {
		clear(k.owners)
		clear(k.conns)
		clear(k.calls)
		clear(k.dgrams)
		clear(k.listeners)
		clear(k.accepted)
		clear(k.linger0)
	}
	o := owner{e.Actor, e.Role}
	if e.Role != RoleConn {
		k.owners[e.Local] = o
	}
	if e.Remote.IsValid() {
		k.conns[tuple{e.Local, e.Remote}] = o
	}
	s := span{id: e.CallID, op: e.Op, args: e.Text, remote: e.Remote,
		enter: e.Enter.UnixNano(), ret: e.Return.UnixNano()}
	if !s.remote.IsValid() {
		s.remote = e.Args.Addr // sendto on an unconnected socket
	}
	k.account(e, s)
	if !e.Op.Moves() {
		return
	}
	list := k.calls[e.Local]
	if len(list) == 8 {
		// Shift in place: reslicing would shrink the capacity and make
		// every few calls reallocate.
		copy(list, list[1:])
		list[7] = s
	} else {
		list = append(list, s)
	}
	k.calls[e.Local] = list
}

// account records what a call did to its socket's streams.
func (k *linker) account(e Event, s span) {
	ok := !e.Failed()
	k.accountSocket(e, s, ok)
	if (e.Op == OpSendto || e.Op == OpSend) && ok && e.Kind == KindCall && e.Result >= 0 && s.remote.IsValid() {
		// A socket whose SYN was seen is TCP: its sends are byte ranges,
		// not datagrams.
		if st := k.streams[tuple{e.Local, s.remote}]; st == nil || !st.isnKnown {
			k.dgrams[e.Local] = pushDatagram(k.dgrams[e.Local], datagram{span: s, dst: s.remote, n: e.Result})
		}
	}
	if !s.remote.IsValid() {
		return
	}
	// A connect still in the kernel reports no peer yet; the address it
	// asked for is the peer its SYN goes to.
	st := k.streamOf(e.Local, s.remote)
	if key := (sockKey{e.Actor, e.FD}); k.linger0[key] {
		st.linger0 = true
		delete(k.linger0, key)
	}
	st.account(e, s, ok)
}

// accountSocket records listeners, the connections accept() returned, and
// a listener's close.
func (k *linker) accountSocket(e Event, s span, ok bool) {
	switch {
	case e.Op == OpListen && ok:
		k.listeners[e.Local] = &listener{}
	case e.Op == OpAccept && ok && e.Remote.IsValid() && e.Kind == KindCall:
		k.accepted[tuple{e.Local, e.Remote}] = true
	case e.Op == OpClose && !e.Remote.IsValid():
		if l := k.listeners[e.Local]; l != nil && l.closed == nil {
			l.closed = heapSpan(s)
		}
	}
}

// heapSpan keeps a copy of s: taking the address of account's argument
// would move every call's span to the heap, not just the few kept.
func heapSpan(s span) *span { return &s }

// link decodes a captured frame into e.Pkt and names its actors and origin.
// It returns false for a frame that is not the lab's: the capture sees all
// of lo, and several labs (the panes, a lesson) share it.
func (k *linker) link(e *Event) bool {
	seg, err := k.dec.Decode(e.Data)
	if err != nil && !(errors.Is(err, wire.ErrTruncated) && seg.Proto != "") {
		// Only a payload cut at frameCap still decodes: its headers are whole.
		return false
	}
	p := k.linkSegment(seg, e.Result, e.At.UnixNano())
	if p == nil {
		return false
	}
	e.Pkt = p
	e.Result = seg.Len
	e.Local, e.Remote = seg.Src, seg.Dst
	e.Actor, e.Role, e.FD = p.From, p.FromRole, -1
	e.Text = seg.Summary()
	e.Note = p.Why
	return true
}

// linkSegment names a decoded segment's actors and origin, or returns nil
// when it is none of the lab's. at is its capture time, frame its length.
func (k *linker) linkSegment(seg wire.Segment, frame int, at int64) *Packet {
	if seg.IsICMP() {
		return k.linkICMP(seg, frame)
	}
	from, fromOK := k.ownerOf(seg.Src, seg.Dst)
	to, toOK := k.ownerOf(seg.Dst, seg.Src)
	if !fromOK && !toOK {
		return nil
	}
	k.flows.Track(&seg)
	p := &Packet{Seg: seg, Frame: frame, From: from.actor, To: to.actor, FromRole: from.role, ToRole: to.role}
	if seg.Proto == "tcp" {
		k.track(&p.Seg, at)
	}
	if fromOK {
		k.cause(p, at)
	} else {
		// Its sender's calls are not traced: saying "the kernel's own"
		// would hide that a program asked for it.
		p.Origin = OriginOutside
		p.Why = "from a socket outside socklab: its calls are not visible here"
	}
	return p
}

// track records a TCP segment's place in its streams: the ISN its SYN
// chose, and how far the receiver's data has arrived.
func (k *linker) track(s *wire.Segment, at int64) {
	st := k.streamOf(s.Src, s.Dst)
	if s.Flags.Has(wire.FlagSYN) && !s.Retrans {
		if st.isnKnown && st.isn != s.Seq {
			// A new connection on the same 4-tuple: its calls start over.
			*st = stream{connect: st.connect}
		}
		st.isn, st.isnKnown = s.Seq, true
		st.synAck = st.synAck || s.Flags.Has(wire.FlagACK)
	}
	if s.Len > 0 && st.isnKnown {
		end := s.Seq - st.isn - 1 + uint32(s.Len)
		r := k.streamOf(s.Dst, s.Src)
		if !r.arrival || int32(end-r.arrived) > 0 {
			r.arrived, r.arrival = end, true
		}
	}
	if s.Flags.Has(wire.FlagACK) && !s.Flags.Has(wire.FlagSYN) {
		if r := k.streams[tuple{s.Dst, s.Src}]; r != nil && r.isnKnown {
			r.ackAt, r.ackRel = at, s.Ack-r.isn
		}
	}
}

func (k *linker) ownerOf(local, remote netip.AddrPort) (owner, bool) {
	if o, ok := k.conns[tuple{local, remote}]; ok {
		return o, true
	}
	if o, ok := k.owners[local]; ok {
		return o, true
	}
	// A socket bound to the wildcard address owns its port on every address.
	o, ok := k.owners[wildcard(local)]
	return o, ok
}

// wildcard is 0.0.0.0 (or ::) with a's port: how a socket bound to every
// address names itself.
func wildcard(a netip.AddrPort) netip.AddrPort {
	if a.Addr().Is4() {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), a.Port())
	}
	return netip.AddrPortFrom(netip.IPv6Unspecified(), a.Port())
}

func (p *Packet) byCall(c *span, r Rule, why string) {
	p.Origin, p.Rule, p.Cause, p.CauseOp, p.CauseText, p.Why = OriginCall, r, c.id, c.op, c.callText(), why
}

func (p *Packet) byKernel(r Rule, reason Reason, why string) {
	p.Origin, p.Rule, p.Reason, p.Why = OriginKernel, r, reason, why
}

// cause finds what sent a segment of a traced socket: a rule on what it
// carries where one applies, the call in the kernel at that moment where
// none does (and the label says so), else the kernel's own reason.
func (k *linker) cause(p *Packet, at int64) {
	s := &p.Seg
	if s.Proto == "udp" {
		k.datagramCause(p, at)
		return
	}
	st := k.streams[tuple{s.Src, s.Dst}]
	switch {
	case k.controlCause(p, st, at):
	case s.Len > 0:
		k.bytesCause(p, st, at)
	case s.Flags.Has(wire.FlagFIN):
		k.finCause(p, st, at)
	default:
		p.byKernel(RuleKind, ReasonAck, "the kernel acknowledges what it received")
	}
}

// controlCause names a RST, a retransmission, a SYN-ACK or a SYN, and
// reports whether s was one.
func (k *linker) controlCause(p *Packet, st *stream, at int64) bool {
	s := &p.Seg
	f := s.Flags
	switch {
	case f.Has(wire.FlagRST):
		k.resetCause(p, st, at)
	case s.Retrans:
		p.byKernel(RuleKind, ReasonRetrans, retransWhy(s, st))
	case f.Has(wire.FlagSYN | wire.FlagACK):
		p.byKernel(RuleKind, ReasonAnswerSYN, "the kernel answers the SYN: no accept() needed")
	case f.Has(wire.FlagSYN):
		if st != nil && st.connect != nil && !st.synDone {
			st.synDone = true
			p.byCall(st.connect, RuleFirstSYN, "sent by connect")
			return true
		}
		k.byTiming(p, at, ReasonSYN, "the kernel sent a SYN")
	default:
		return false
	}
	return true
}

// retransWhy names the send whose bytes the kernel sent again, if known.
func retransWhy(s *wire.Segment, st *stream) string {
	if st != nil && st.isnKnown && s.Len > 0 {
		if first, _, ok := st.covering(s.Seq-st.isn-1, uint32(s.Len)); ok {
			return "the kernel's retransmission of send #" + strconv.Itoa(first.nth) + "'s bytes: no ACK came in time"
		}
	}
	return "the kernel's retransmission: no answer came in time"
}

// bytesCause links a data segment to the send(s) whose byte range holds
// its [seq, seq+len), however long after the send returned it left.
func (k *linker) bytesCause(p *Packet, st *stream, at int64) {
	s := &p.Seg
	n := strconv.Itoa(s.Len)
	if st == nil || !st.isnKnown {
		// The handshake was not captured: the bytes cannot be placed.
		k.byTiming(p, at, ReasonData, "the kernel sent "+n+" bytes (their send is not known)")
		return
	}
	off := s.Seq - st.isn - 1
	first, last, ok := st.covering(off, uint32(s.Len))
	if !ok {
		p.byKernel(RuleBytes, ReasonData, "the kernel sent "+n+" bytes no traced send put in")
		return
	}
	why := bytesOf(off, uint32(s.Len), first, last)
	held := at > last.ret
	if held {
		why += ", sent after " + last.op.String() + "() returned: the kernel held them back"
		if st.ackAt > last.ret && st.ackAt <= at {
			// What came in while they waited, as the rows above show it.
			why += " until " + nameOr(p.To, "the peer") + "'s ack " + strconv.FormatUint(uint64(st.ackRel), 10) + " arrived"
		}
	}
	if s.Flags.Has(wire.FlagFIN) && st.ender != nil {
		why += "; its FIN is " + st.ender.op.String() + "'s"
	}
	p.byCall(&first.span, RuleBytes, why)
	if held {
		p.Reason = ReasonHeld
	}
}

// finCause links a FIN at the stream's end to the call that ended it.
func (k *linker) finCause(p *Packet, st *stream, at int64) {
	s := &p.Seg
	if st != nil && st.isnKnown && st.ender != nil && !st.fin && s.Seq-st.isn-1 == st.sent {
		st.fin = true
		p.byCall(st.ender, RuleStreamEnd, "sent by "+st.ender.op.String())
		return
	}
	k.byTiming(p, at, ReasonFIN, "the kernel sent a FIN")
}

// bytesOf words which sends a segment's bytes came from: "all 5 bytes of
// send #2", "bytes 1025–2048 of send #2", "bytes of sends #2–#3".
func bytesOf(off, n uint32, first, last *sendRange) string {
	if first.nth != last.nth {
		return "bytes of sends #" + strconv.Itoa(first.nth) + "–#" + strconv.Itoa(last.nth)
	}
	a := off - first.start + 1
	if a == 1 && n == first.n {
		return "all " + strconv.Itoa(int(n)) + " bytes of send #" + strconv.Itoa(first.nth)
	}
	return "bytes " + strconv.FormatUint(uint64(a), 10) + "–" + strconv.FormatUint(uint64(a+n-1), 10) +
		" of send #" + strconv.Itoa(first.nth)
}

// resetCause names which of the kernel's situations sent a RST.
func (k *linker) resetCause(p *Packet, st *stream, at int64) {
	s := &p.Seg
	if st != nil && st.closed != nil && st.reset != ReasonNone && !st.rstDone {
		st.rstDone = true
		why := "sent by close: unread data was discarded, so a RST instead of a FIN"
		if st.reset == ReasonRSTLinger0 {
			why = "sent by close: SO_LINGER 0 asks for an abortive close, a RST instead of a FIN"
		}
		p.byCall(st.closed, RuleReset, why)
		p.Reason = st.reset
		return
	}
	peer := k.streams[tuple{s.Dst, s.Src}]
	answered := st != nil && st.synAck
	if !answered && (st == nil || st.connect == nil) && peer != nil && peer.isnKnown && peer.connect != nil {
		// The peer's SYN got no SYN-ACK from this address: no socket there.
		p.byKernel(RuleReset, ReasonRSTNoListener, "the kernel refuses the SYN: nothing listens on port "+strconv.Itoa(int(s.Src.Port())))
		return
	}
	if answered && st.closed == nil && !k.accepted[tuple{s.Src, s.Dst}] {
		// A connection the kernel completed that no call ever touched.
		l := k.listeners[s.Src]
		if l == nil {
			l = k.listeners[wildcard(s.Src)]
		}
		if l != nil && l.closed != nil {
			p.byCall(l.closed, RuleReset, "sent by close of the listening socket: this connection was never accepted")
			p.Reason = ReasonRSTUnaccepted
			return
		}
	}
	if st != nil && st.closed != nil && at > st.closed.ret {
		p.byKernel(RuleReset, ReasonRSTNoConn, "the kernel resets: a segment came for a connection its socket had closed")
		return
	}
	k.byTiming(p, at, ReasonRST, "the kernel resets the connection")
}

// datagramCause links a UDP datagram to the sendto that sent it: the
// oldest not yet seen of its socket's datagrams with its destination and
// length.
func (k *linker) datagramCause(p *Packet, at int64) {
	s := &p.Seg
	key := s.Src
	if _, ok := k.dgrams[key]; !ok {
		key = wildcard(s.Src) // an unconnected UDP socket, bound to 0.0.0.0
	}
	list := k.dgrams[key]
	for i := range list {
		d := &list[i]
		if !d.seen && d.dst == s.Dst && d.n == s.Len {
			d.seen, d.src = true, s.Src
			p.byCall(&d.span, RuleDatagram, "sent by "+d.op.String())
			return
		}
	}
	k.byTiming(p, at, ReasonDatagram, "a datagram no traced call was sending at that moment")
}

// byTiming is the fallback where no rule on the segment's content applies:
// the call of its socket that was in the kernel when the segment was seen
// and sends segments like it. The label says it was matched by time.
func (k *linker) byTiming(p *Packet, at int64, reason Reason, kernelWhy string) {
	s := &p.Seg
	calls := k.calls[s.Src]
	if len(calls) == 0 {
		calls = k.calls[wildcard(s.Src)]
	}
	for i := range calls {
		c := &calls[i]
		if at < c.enter || at > c.ret || (c.remote.IsValid() && c.remote != s.Dst) {
			continue
		}
		if sends(c.op, s) && !s.Retrans {
			p.byCall(c, RuleTiming, "seen while "+c.op.String()+" was in the kernel (matched by time)")
			return
		}
	}
	p.byKernel(RuleKind, reason, kernelWhy)
}

// sends reports whether a call of op puts a segment like s on the wire.
func sends(op Op, s *wire.Segment) bool {
	if s.Proto == "udp" {
		return op == OpSendto || op == OpSend
	}
	switch op {
	case OpConnect:
		return s.Flags.Has(wire.FlagSYN) && !s.Flags.Has(wire.FlagACK)
	case OpSend, OpSendto:
		return s.Len > 0
	case OpClose, OpShutdown:
		return s.Flags.Has(wire.FlagFIN) || s.Flags.Has(wire.FlagRST)
	}
	return false
}

// linkICMP links an ICMP error to the socket whose datagram it quotes and
// to the call that sent that datagram. The kernel sent it, from no socket.
func (k *linker) linkICMP(seg wire.Segment, frame int) *Packet {
	q := seg.ICMP.Quoted
	if !q.Src.IsValid() || q.Src.Port() == 0 {
		return nil
	}
	to, ok := k.ownerOf(q.Src, q.Dst)
	if !ok {
		return nil
	}
	// The arrow runs from the far side of the ladder to the sender.
	fromRole := RoleClient
	if to.role == RoleClient {
		fromRole = RoleServer
	}
	p := &Packet{Seg: seg, Frame: frame, To: to.actor, ToRole: to.role, FromRole: fromRole}
	v6 := seg.Proto == "icmp6"
	reason, what := ReasonICMP, "the kernel reports an error about "+q.Proto+" datagram to "+q.Dst.String()
	if seg.ICMP.PortUnreachable(v6) {
		reason = ReasonPortUnreachable
		what = "the kernel has no socket on " + q.Proto + " port " + strconv.Itoa(int(q.Dst.Port()))
	}
	p.byKernel(RuleQuote, reason, what)
	key := q.Src
	if _, ok := k.dgrams[key]; !ok {
		key = wildcard(q.Src)
	}
	list := k.dgrams[key]
	for i := len(list) - 1; i >= 0; i-- { // the newest: the error follows its datagram at once
		d := &list[i]
		if d.dst == q.Dst && (q.Len < 0 || d.n == q.Len) && (!d.src.IsValid() || d.src == q.Src) {
			p.Cause, p.CauseOp, p.CauseText = d.id, d.op, d.callText()
			p.Why = what + ": it answers " + d.op.String() + "'s datagram"
			break
		}
	}
	return p
}

// appendPacket writes a segment's trace line after the actor column:
//
//	wire      client → server  SYN seq 0 win 65495 <mss 65495,sackOK,TS,wscale 7>  127.0.0.1:51760 > 127.0.0.1:1081  (sent by connect)
func (e Event) appendPacket(b []byte) []byte {
	p := e.Pkt
	if p == nil {
		return append(b, "(undecoded frame)"...)
	}
	s := &p.Seg
	b = append(b, p.FromName()...)
	b = append(b, " → "...)
	b = append(b, p.ToName()...)
	b = append(b, "  "...)
	b = append(b, s.Summary()...)
	if s.Proto == "tcp" {
		b = append(b, " seq "...)
		b = strconv.AppendUint(b, uint64(s.RelSeq), 10)
		if s.Flags.Has(wire.FlagACK) {
			b = append(b, " ack "...)
			b = strconv.AppendUint(b, uint64(s.RelAck), 10)
		}
		b = append(b, " win "...)
		b = strconv.AppendInt(b, int64(s.Win), 10)
		if s.WinShift > 0 && !s.Flags.Has(wire.FlagSYN) {
			b = append(b, "<<"...)
			b = strconv.AppendInt(b, int64(s.WinShift), 10)
			b = append(b, '=')
			b = strconv.AppendInt(b, int64(s.ScaledWin()), 10)
		}
		// Options matter to a lesson on the SYNs (MSS, window scale);
		// on every other segment they are only timestamps.
		if o := OptionsText(s.Opts); o != "" && s.Flags.Has(wire.FlagSYN) {
			b = append(append(append(b, " <"...), o...), '>')
		}
	}
	b = append(b, "  "...)
	if s.IsICMP() {
		// An ICMP message has no ports; the datagram it quotes has.
		b = s.Src.Addr().AppendTo(b)
		b = append(b, " > "...)
		b = s.Dst.Addr().AppendTo(b)
		b = append(b, " quoting "...)
		b = s.ICMP.Quoted.Src.AppendTo(b)
		b = append(b, " > "...)
		b = s.ICMP.Quoted.Dst.AppendTo(b)
	} else {
		b = s.Src.AppendTo(b)
		b = append(b, " > "...)
		b = s.Dst.AppendTo(b)
	}
	if p.Why != "" {
		b = append(append(append(b, "  ("...), p.Why...), ')')
	}
	return b
}

// FromName is who sent the packet: its actor, the kernel for an ICMP error
// (no socket sends one), else its source address.
func (p *Packet) FromName() string {
	if p.From == "" && p.Seg.IsICMP() {
		return "kernel"
	}
	return nameOr(p.From, p.Seg.Src.String())
}

// ToName is who receives the packet: its actor or its destination address.
func (p *Packet) ToName() string { return nameOr(p.To, p.Seg.Dst.String()) }

func nameOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// OptionsText writes TCP options as tcpdump does: "mss 65495,sackOK,TS val
// 1 ecr 0,wscale 7".
func OptionsText(o wire.Options) string {
	var b []byte
	sep := func() {
		if len(b) > 0 {
			b = append(b, ',')
		}
	}
	if o.MSS > 0 {
		b = strconv.AppendInt(append(b, "mss "...), int64(o.MSS), 10)
	}
	if o.SACKPerm {
		sep()
		b = append(b, "sackOK"...)
	}
	if o.HasTS {
		sep()
		b = strconv.AppendUint(append(b, "TS val "...), uint64(o.TSVal), 10)
		b = strconv.AppendUint(append(b, " ecr "...), uint64(o.TSEcr), 10)
	}
	if o.WScale >= 0 {
		sep()
		b = strconv.AppendInt(append(b, "wscale "...), int64(o.WScale), 10)
	}
	return string(b)
}

// Comment is the packet's comment in a pcapng file: who sent it to whom and
// why, the causing call written out.
func (p *Packet) Comment() string {
	s := p.FromName() + " → " + p.ToName() + ": "
	if p.Cause != 0 {
		return s + p.Why + ": " + p.CauseText
	}
	return s + p.Why
}

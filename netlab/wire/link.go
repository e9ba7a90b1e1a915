package wire

import (
	"errors"
	"net/netip"
	"strconv"

	"github.com/socklab/socklab/netlab/event"
)

// Linker gives captured packets their actors and origins. It sees the
// events in the log's order, calls before the segments they caused (a
// call's event is ordered by the moment it entered the kernel, the
// segments by the kernel's timestamps), and keeps, per socket, the byte
// ranges its sends put into the stream, so that a segment is linked by what
// it carries rather than when it was seen. It runs under the sequencer's
// lock, so it needs none of its own; and on every call and segment of a
// lab with the wire on, on whichever core reported last, so it keeps its
// last answers (recent) and writes a linked segment's words into blocks of
// its own (linkText) rather than hash and allocate for each.
type Linker struct {
	dec    *Decoder
	flows  *Flows
	owners map[netip.AddrPort]owner   // a socket's local address → its actor
	conns  map[tuple]owner            // a connected socket's 4-tuple → its actor
	calls  map[netip.AddrPort]*[]span // sender's local address → recent moving calls (timing fallback)

	streams   map[tuple]*stream             // a sender's (local, remote) → its stream
	dgrams    map[netip.AddrPort][]datagram // sender's local address → its recent datagrams
	listeners map[netip.AddrPort]*listener  // a listening address
	accepted  map[tuple]bool                // (local, remote) of connections accept() returned
	linger0   map[sockKey]bool              // SO_LINGER {1, 0} set before the socket had a 4-tuple

	recent recent   // the last few sockets' entries of streams, conns and owners
	text   linkText // where linked segments' texts are written
	// packets is the block the next linked segment's Packet is taken from.
	packets []event.Packet
}

// packetBlock is how many Packets (400 bytes each) a block holds: one
// allocation for that many linked segments instead of one each. A block
// lives as long as any event that holds one of its Packets.
const packetBlock = 16

// newPacket returns a zeroed Packet of its own for a linked segment.
func (k *Linker) newPacket() *event.Packet {
	if len(k.packets) == cap(k.packets) {
		k.packets = make([]event.Packet, 0, packetBlock)
	}
	k.packets = k.packets[:len(k.packets)+1]
	return &k.packets[len(k.packets)-1]
}

type owner struct {
	actor string
	role  event.Role
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
	id     event.CallID
	op     event.Op
	args   string // the call's arguments (Event.CallText)
	remote netip.AddrPort
	enter  int64
	ret    int64
}

// linkerCap bounds each of the Linker's tables: a long session forgets its
// oldest connections rather than grow.
const linkerCap = 4096

func NewLinker() *Linker {
	return &Linker{dec: NewSharingDecoder(), flows: NewFlows(), owners: map[netip.AddrPort]owner{},
		conns: map[tuple]owner{}, calls: map[netip.AddrPort]*[]span{}, streams: map[tuple]*stream{},
		dgrams: map[netip.AddrPort][]datagram{}, listeners: map[netip.AddrPort]*listener{},
		accepted: map[tuple]bool{}, linger0: map[sockKey]bool{}}
}

// streamOf returns the stream a socket sends on its 4-tuple, creating it.
func (k *Linker) streamOf(local, remote netip.AddrPort) *stream {
	if st := k.streamAt(local, remote); st != nil {
		return st
	}
	if len(k.streams) >= linkerCap {
		clear(k.streams)
		k.recent.forget()
	}
	t := tuple{local, remote}
	st := &stream{}
	k.streams[t] = st
	k.recent.ver++
	k.recent.keepStream(t, st)
	return st
}

// Observe learns from a released call event which actor owns which address,
// which bytes each send put into its stream, and when a call could have
// sent something. It reads *e and keeps none of it but strings: it runs
// for every call under the sequencer's lock, and an Event is some 460 bytes.
func (k *Linker) Observe(e *event.Event) {
	if e.Kind != event.KindCall && e.Kind != event.KindBlocked {
		return
	}
	if e.Op == event.OpSetsockopt && e.Args.Option == "SO_LINGER" && e.Args.Value == 0 && !e.Failed() {
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
		k.recent.forget()
	}
	t, o, conn := tuple{e.Local, e.Remote}, owner{e.Actor, e.Role}, e.Role == event.RoleConn
	seen, known := k.recent.call(t, o, conn)
	if !known {
		k.setOwners(e.Local, e.Remote, o, conn)
	}
	c := seen
	// CallText, not Text: a send whose text was left to a trace writer
	// (Event.TextLater) still names the segments it caused.
	s := span{id: e.CallID, op: e.Op, args: e.CallText(), remote: e.Remote,
		enter: e.Enter.UnixNano(), ret: e.Return.UnixNano()}
	if !s.remote.IsValid() {
		s.remote = e.Args.Addr // sendto on an unconnected socket
	}
	c.st = k.account(e, s, c.st)
	if e.Op.Moves() {
		c.calls = k.pushCall(e.Local, s, c.calls)
	}
	if !known || c != seen {
		k.recent.keepCall(t, o, conn, c)
	}
}

// pushCall adds a moving call to its socket's recent calls (list, when
// known, is k.calls[local]) and returns the list.
func (k *Linker) pushCall(local netip.AddrPort, s span, list *[]span) *[]span {
	if list == nil {
		list = k.calls[local]
	}
	if list == nil {
		list = new([]span)
		k.calls[local] = list
	}
	if len(*list) == 8 {
		// Shift in place: reslicing would shrink the capacity and make
		// every few calls reallocate.
		copy(*list, (*list)[1:])
		(*list)[7] = s
	} else {
		*list = append(*list, s)
	}
	return list
}

// account records what a call did to its socket's streams. st, when not
// nil, is the stream of (e.Local, e.Remote); it returns that stream, or nil
// when the call has no peer or its stream is another's (a sendto's).
func (k *Linker) account(e *event.Event, s span, st *stream) *stream {
	ok := !e.Failed()
	k.accountSocket(e, s, ok)
	if !s.remote.IsValid() {
		return nil
	}
	// A connect still in the kernel reports no peer yet; the address it
	// asked for is the peer its SYN goes to.
	if st == nil || s.remote != e.Remote {
		st = k.streamOf(e.Local, s.remote)
	}
	if (e.Op == event.OpSendto || e.Op == event.OpSend) && ok && e.Kind == event.KindCall && e.Result >= 0 && !st.isnKnown {
		// A socket whose SYN was seen is TCP: its sends are byte ranges,
		// not datagrams.
		k.dgrams[e.Local] = pushDatagram(k.dgrams[e.Local], datagram{span: s, dst: s.remote, n: e.Result})
	}
	if key := (sockKey{e.Actor, e.FD}); len(k.linger0) > 0 && k.linger0[key] {
		st.linger0 = true
		delete(k.linger0, key)
	}
	st.account(e, s, ok)
	if s.remote != e.Remote {
		return nil
	}
	return st
}

// accountSocket records listeners, the connections accept() returned, and
// a listener's close.
func (k *Linker) accountSocket(e *event.Event, s span, ok bool) {
	switch {
	case e.Op == event.OpListen && ok:
		k.listeners[e.Local] = &listener{}
	case e.Op == event.OpAccept && ok && e.Remote.IsValid() && e.Kind == event.KindCall:
		k.accepted[tuple{e.Local, e.Remote}] = true
	case e.Op == event.OpClose && !e.Remote.IsValid():
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
func (k *Linker) Link(e *event.Event) bool {
	seg, err := k.dec.Decode(e.Data)
	if err != nil && !(errors.Is(err, ErrTruncated) && seg.Proto != "") {
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
	e.Text = k.recent.summary(&seg)
	e.Note = p.Why
	return true
}

// linkSegment names a decoded segment's actors and origin, or returns nil
// when it is none of the lab's. at is its capture time, frame its length.
func (k *Linker) linkSegment(seg event.Segment, frame int, at int64) *event.Packet {
	if seg.IsICMP() {
		return k.linkICMP(seg, frame)
	}
	t := tuple{seg.Src, seg.Dst}
	m, ok := k.recent.pair(t)
	if !ok {
		m.from, m.fromOK = k.ownerOf(seg.Src, seg.Dst)
		m.to, m.toOK = k.ownerOf(seg.Dst, seg.Src)
	}
	if !m.fromOK && !m.toOK {
		return nil
	}
	k.flows.Track(&seg)
	p := k.newPacket()
	*p = event.Packet{Seg: seg, Frame: frame, From: m.from.actor, To: m.to.actor, FromRole: m.from.role, ToRole: m.to.role}
	var st *stream // the sender's stream, for TCP
	if seg.Proto == "tcp" {
		was := m
		st, m.rev = k.track(&p.Seg, at, m.st, m.rev)
		m.st = st
		if !ok || m != was {
			k.recent.keepPair(t, m)
		}
	}
	fromOK := m.fromOK
	if fromOK {
		k.cause(p, st, at)
	} else {
		// Its sender's calls are not traced: saying "the kernel's own"
		// would hide that a program asked for it.
		p.Origin = event.OriginOutside
		p.Why = "from a socket outside socklab: its calls are not visible here"
	}
	return p
}

// track records a TCP segment's place in its streams: the ISN its SYN
// chose, and how far the receiver's data has arrived. st and rev are the
// sender's and the receiver's streams when known (nil: looked up); it
// returns them, rev still nil when the receiver has none.
func (k *Linker) track(s *event.Segment, at int64, st, rev *stream) (*stream, *stream) {
	if st == nil {
		st = k.streamOf(s.Src, s.Dst)
	}
	if s.Flags.Has(event.FlagSYN) && !s.Retrans {
		if st.isnKnown && st.isn != s.Seq {
			// A new connection on the same 4-tuple: its calls start over.
			*st = stream{connect: st.connect}
		}
		st.isn, st.isnKnown = s.Seq, true
		st.synAck = st.synAck || s.Flags.Has(event.FlagACK)
	}
	r := rev
	if s.Len > 0 && st.isnKnown {
		end := s.Seq - st.isn - 1 + uint32(s.Len)
		if r == nil {
			r = k.streamOf(s.Dst, s.Src)
		}
		if !r.arrival || int32(end-r.arrived) > 0 {
			r.arrived, r.arrival = end, true
		}
	}
	if s.Flags.Has(event.FlagACK) && !s.Flags.Has(event.FlagSYN) {
		if r == nil {
			r = k.streamAt(s.Dst, s.Src)
		}
		if r != nil && r.isnKnown {
			r.ackAt, r.ackRel = at, s.Ack-r.isn
		}
	}
	return st, r
}

func (k *Linker) ownerOf(local, remote netip.AddrPort) (owner, bool) {
	if o, ok := k.connOwner(local, remote); ok {
		return o, true
	}
	if o, ok := k.addrOwner(local); ok {
		return o, true
	}
	// A socket bound to the wildcard address owns its port on every address.
	return k.addrOwner(wildcard(local))
}

// wildcard is 0.0.0.0 (or ::) with a's port: how a socket bound to every
// address names itself.
func wildcard(a netip.AddrPort) netip.AddrPort {
	if a.Addr().Is4() {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), a.Port())
	}
	return netip.AddrPortFrom(netip.IPv6Unspecified(), a.Port())
}

func (k *Linker) byCall(p *event.Packet, c *span, r event.Rule, why string) {
	p.Origin, p.Rule, p.Cause, p.CauseOp, p.CauseText, p.Why = event.OriginCall, r, c.id, c.op, k.text.callText(c), why
}

func byKernel(p *event.Packet, r event.Rule, reason event.Reason, why string) {
	p.Origin, p.Rule, p.Reason, p.Why = event.OriginKernel, r, reason, why
}

// cause finds what sent a segment of a traced socket: a rule on what it
// carries where one applies, the call in the kernel at that moment where
// none does (and the label says so), else the kernel's own reason. st is
// a TCP segment's sender's stream (track's).
func (k *Linker) cause(p *event.Packet, st *stream, at int64) {
	s := &p.Seg
	if s.Proto == "udp" {
		k.datagramCause(p, at)
		return
	}
	switch {
	case k.controlCause(p, st, at):
	case s.Len > 0:
		k.bytesCause(p, st, at)
	case s.Flags.Has(event.FlagFIN):
		k.finCause(p, st, at)
	default:
		byKernel(p, event.RuleKind, event.ReasonAck, "the kernel acknowledges what it received")
	}
}

// controlCause names a RST, a retransmission, a SYN-ACK or a SYN, and
// reports whether s was one.
func (k *Linker) controlCause(p *event.Packet, st *stream, at int64) bool {
	s := &p.Seg
	f := s.Flags
	switch {
	case f.Has(event.FlagRST):
		k.resetCause(p, st, at)
	case s.Retrans:
		byKernel(p, event.RuleKind, event.ReasonRetrans, retransWhy(s, st))
	case f.Has(event.FlagSYN | event.FlagACK):
		byKernel(p, event.RuleKind, event.ReasonAnswerSYN, "the kernel answers the SYN: no accept() needed")
	case f.Has(event.FlagSYN):
		if st != nil && st.connect != nil && !st.synDone {
			st.synDone = true
			k.byCall(p, st.connect, event.RuleFirstSYN, "sent by connect")
			return true
		}
		k.byTiming(p, at, event.ReasonSYN, "the kernel sent a SYN")
	default:
		return false
	}
	return true
}

// retransWhy names the send whose bytes the kernel sent again, if known.
func retransWhy(s *event.Segment, st *stream) string {
	if st != nil && st.isnKnown && s.Len > 0 {
		if first, _, ok := st.covering(s.Seq-st.isn-1, uint32(s.Len)); ok {
			return "the kernel's retransmission of send #" + strconv.Itoa(first.nth) + "'s bytes: no ACK came in time"
		}
	}
	return "the kernel's retransmission: no answer came in time"
}

// bytesCause links a data segment to the send(s) whose byte range holds
// its [seq, seq+len), however long after the send returned it left.
func (k *Linker) bytesCause(p *event.Packet, st *stream, at int64) {
	s := &p.Seg
	if st == nil || !st.isnKnown {
		// The handshake was not captured: the bytes cannot be placed.
		k.byTiming(p, at, event.ReasonData, "the kernel sent "+strconv.Itoa(s.Len)+" bytes (their send is not known)")
		return
	}
	off := s.Seq - st.isn - 1
	first, last, ok := st.covering(off, uint32(s.Len))
	if !ok {
		byKernel(p, event.RuleBytes, event.ReasonData, "the kernel sent "+strconv.Itoa(s.Len)+" bytes no traced send put in")
		return
	}
	held := at > last.ret
	why := k.text.bytesWhy(p, st, off, first, last, held, at)
	k.byCall(p, &first.span, event.RuleBytes, why)
	if held {
		p.Reason = event.ReasonHeld
	}
}

// finCause links a FIN at the stream's end to the call that ended it.
func (k *Linker) finCause(p *event.Packet, st *stream, at int64) {
	s := &p.Seg
	if st != nil && st.isnKnown && st.ender != nil && !st.fin && s.Seq-st.isn-1 == st.sent {
		st.fin = true
		k.byCall(p, st.ender, event.RuleStreamEnd, "sent by "+st.ender.op.String())
		return
	}
	k.byTiming(p, at, event.ReasonFIN, "the kernel sent a FIN")
}

// resetCause names which of the kernel's situations sent a RST.
func (k *Linker) resetCause(p *event.Packet, st *stream, at int64) {
	s := &p.Seg
	if st != nil && st.closed != nil && st.reset != event.ReasonNone && !st.rstDone {
		st.rstDone = true
		why := "sent by close: unread data was discarded, so a RST instead of a FIN"
		if st.reset == event.ReasonRSTLinger0 {
			why = "sent by close: SO_LINGER 0 asks for an abortive close, a RST instead of a FIN"
		}
		k.byCall(p, st.closed, event.RuleReset, why)
		p.Reason = st.reset
		return
	}
	peer := k.streamAt(s.Dst, s.Src)
	answered := st != nil && st.synAck
	if !answered && (st == nil || st.connect == nil) && peer != nil && peer.isnKnown && peer.connect != nil {
		// The peer's SYN got no SYN-ACK from this address: no socket there.
		byKernel(p, event.RuleReset, event.ReasonRSTNoListener, "the kernel refuses the SYN: nothing listens on port "+strconv.Itoa(int(s.Src.Port())))
		return
	}
	if answered && st.closed == nil && !k.accepted[tuple{s.Src, s.Dst}] {
		// A connection the kernel completed that no call ever touched.
		l := k.listeners[s.Src]
		if l == nil {
			l = k.listeners[wildcard(s.Src)]
		}
		if l != nil && l.closed != nil {
			k.byCall(p, l.closed, event.RuleReset, "sent by close of the listening socket: this connection was never accepted")
			p.Reason = event.ReasonRSTUnaccepted
			return
		}
	}
	if st != nil && st.closed != nil && at > st.closed.ret {
		byKernel(p, event.RuleReset, event.ReasonRSTNoConn, "the kernel resets: a segment came for a connection its socket had closed")
		return
	}
	k.byTiming(p, at, event.ReasonRST, "the kernel resets the connection")
}

// datagramCause links a UDP datagram to the sendto that sent it: the
// oldest not yet seen of its socket's datagrams with its destination and
// length.
func (k *Linker) datagramCause(p *event.Packet, at int64) {
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
			k.byCall(p, &d.span, event.RuleDatagram, "sent by "+d.op.String())
			return
		}
	}
	k.byTiming(p, at, event.ReasonDatagram, "a datagram no traced call was sending at that moment")
}

// byTiming is the fallback where no rule on the segment's content applies:
// the call of its socket that was in the kernel when the segment was seen
// and sends segments like it. The label says it was matched by time.
func (k *Linker) byTiming(p *event.Packet, at int64, reason event.Reason, kernelWhy string) {
	s := &p.Seg
	var calls []span
	if list := k.calls[s.Src]; list != nil {
		calls = *list
	}
	if len(calls) == 0 {
		if list := k.calls[wildcard(s.Src)]; list != nil {
			calls = *list
		}
	}
	for i := range calls {
		c := &calls[i]
		if at < c.enter || at > c.ret || (c.remote.IsValid() && c.remote != s.Dst) {
			continue
		}
		if sends(c.op, s) && !s.Retrans {
			k.byCall(p, c, event.RuleTiming, "seen while "+c.op.String()+" was in the kernel (matched by time)")
			return
		}
	}
	byKernel(p, event.RuleKind, reason, kernelWhy)
}

// sends reports whether a call of op puts a segment like s on the wire.
func sends(op event.Op, s *event.Segment) bool {
	if s.Proto == "udp" {
		return op == event.OpSendto || op == event.OpSend
	}
	switch op {
	case event.OpConnect:
		return s.Flags.Has(event.FlagSYN) && !s.Flags.Has(event.FlagACK)
	case event.OpSend, event.OpSendto:
		return s.Len > 0
	case event.OpClose, event.OpShutdown:
		return s.Flags.Has(event.FlagFIN) || s.Flags.Has(event.FlagRST)
	}
	return false
}

// linkICMP links an ICMP error to the socket whose datagram it quotes and
// to the call that sent that datagram. The kernel sent it, from no socket.
func (k *Linker) linkICMP(seg event.Segment, frame int) *event.Packet {
	q := seg.ICMP.Quoted
	if !q.Src.IsValid() || q.Src.Port() == 0 {
		return nil
	}
	to, ok := k.ownerOf(q.Src, q.Dst)
	if !ok {
		return nil
	}
	// The arrow runs from the far side of the ladder to the sender.
	fromRole := event.RoleClient
	if to.role == event.RoleClient {
		fromRole = event.RoleServer
	}
	p := &event.Packet{Seg: seg, Frame: frame, To: to.actor, ToRole: to.role, FromRole: fromRole}
	v6 := seg.Proto == "icmp6"
	reason, what := event.ReasonICMP, "the kernel reports an error about "+q.Proto+" datagram to "+q.Dst.String()
	if seg.ICMP.PortUnreachable(v6) {
		reason = event.ReasonPortUnreachable
		what = "the kernel has no socket on " + q.Proto + " port " + strconv.Itoa(int(q.Dst.Port()))
	}
	byKernel(p, event.RuleQuote, reason, what)
	key := q.Src
	if _, ok := k.dgrams[key]; !ok {
		key = wildcard(q.Src)
	}
	list := k.dgrams[key]
	for i := len(list) - 1; i >= 0; i-- { // the newest: the error follows its datagram at once
		d := &list[i]
		if d.dst == q.Dst && (q.Len < 0 || d.n == q.Len) && (!d.src.IsValid() || d.src == q.Src) {
			p.Cause, p.CauseOp, p.CauseText = d.id, d.op, k.text.callText(&d.span)
			p.Why = what + ": it answers " + d.op.String() + "'s datagram"
			break
		}
	}
	return p
}

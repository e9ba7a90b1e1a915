//go:build unix

package sock

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mdlayher/socket"
	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// Socket is one real socket. Each method makes exactly one system call of
// the same name (SendAll makes as many send calls as the kernel needs) and,
// when the Tracer has a Sink, reports it as an Event.
//
// The fd is non-blocking and registered with Go's network poller (through
// github.com/mdlayher/socket), so a call that would block parks the goroutine,
// not an OS thread, and can be cancelled with its context or by Close. The fd
// is never handed to package net, which would dup it: close here is the real
// close(2) that sends the FIN.
type Socket struct {
	sockCore
	conn *socket.Conn
	rc   syscall.RawConn // the poller's raw access, for the fast path of send and recv
	fd   int
	// sendOp and recvOp are lent to the socket's sends and recvs (dataOp).
	sendOp, recvOp atomic.Pointer[dataOp]
}

// Open makes the socket(2) call.
func Open(ctx context.Context, tr Tracer, fam Family, typ Type) (*Socket, error) {
	var text string
	if tr.traced() {
		text = fam.String() + ", " + typ.String() + ", 0"
	}
	c, err := beginCall(ctx, tr, event.OpSocket, -1, tr.Role, text, event.Args{})
	if err != nil {
		return nil, err
	}
	c.attempt()
	conn, err := socket.Socket(domainOf(fam), sotypeOf(typ), 0, "socklab", nil)
	if err != nil {
		e := c.event(-1, err)
		c.emit(&e)
		return nil, &CallError{Call: "socket", Errno: event.ErrnoOf(err), Err: err}
	}
	s := &Socket{sockCore: sockCore{tr: tr, fam: fam, typ: typ, role: tr.Role}, conn: conn}
	s.fd = rawFD(conn)
	s.rc, _ = conn.SyscallConn()
	tr.Reg.add(s)
	if tr.Sink != nil {
		e := c.event(s.fd, nil)
		e.State = s.stateNow()
		e.StateAt = time.Now()
		c.emit(&e)
	}
	return s, nil
}

func rawFD(c *socket.Conn) int {
	fd := -1
	if rc, err := c.SyscallConn(); err == nil {
		_ = rc.Control(func(u uintptr) { fd = int(u) })
	}
	return fd
}

// FD returns the file descriptor number the kernel gave this socket.
func (s *Socket) FD() int { return s.fd }

// State asks the kernel for the TCP state now (TCP_INFO); StateNone for UDP
// or a closed socket.
func (s *Socket) State() event.TCPState {
	if s.closed.Load() {
		return stateByTuple(s.LocalAddr(), s.RemoteAddr())
	}
	return s.stateNow()
}

func (s *Socket) stateNow() event.TCPState {
	if s.typ != Stream || s.fd < 0 {
		return event.StateNone
	}
	return tcpState(s.fd)
}

// refreshLocal asks getsockname; it is how the ephemeral port the kernel
// picked becomes visible.
func (s *Socket) refreshLocal() {
	if sa, err := s.conn.Getsockname(); err == nil {
		s.mu.Lock()
		s.local = fromSockaddr(sa)
		s.mu.Unlock()
	}
}

func (s *Socket) refreshRemote() {
	if sa, err := s.conn.Getpeername(); err == nil {
		s.mu.Lock()
		s.remote = fromSockaddr(sa)
		s.mu.Unlock()
	}
}

// begin starts a call on this socket: number, gate, pending event.
func (s *Socket) begin(ctx context.Context, op event.Op, text string, args event.Args) (call, error) {
	return beginCall(ctx, s.tr, op, s.fd, s.role, text, args)
}

// base is the part of an event the socket knows: its addresses.
func (s *Socket) base() event.Event {
	var e event.Event
	e.Local, e.Remote = s.addrs()
	// Only a blocked connect has a state worth a syscall (SYN_SENT: the
	// handshake is under way). A blocked recv, send or accept has not changed
	// the state the previous event reported.
	return e
}

func (s *Socket) baseConnect() event.Event {
	e := s.base()
	e.State = s.stateNow()
	e.StateAt = time.Now()
	return e
}

// report emits the returned event of c with what the kernel said after it.
func (s *Socket) report(c *call, result int, err error, data []byte) {
	if s.tr.Sink == nil {
		return
	}
	var (
		st   event.TCPState
		segs event.Segs
	)
	// The return's clock reading paces the state reads; a state read is
	// stamped once the kernel has answered (Event.StateAt): a goroutine
	// descheduled between the two would otherwise have a FIN that came
	// meanwhile drawn below the CLOSE_WAIT it caused.
	c.hold() // before the return's moment is read (line mode)
	c.ret = c.now()
	c.stateAt = c.ret
	if s.closed.Load() {
		st = stateByTuple(s.LocalAddr(), s.RemoteAddr())
		c.stateAt = c.now()
	} else if s.typ == Stream && s.fd >= 0 && s.readsState(c, result, err) {
		st, segs = tcpInfo(s.fd)
		c.stateAt = c.now()
	}
	s.finish(c, result, err, data, "", st, segs)
}

// setsockopt makes setsockopt(level, name, v), one call of the front.
func (s *Socket) setsockopt(ctx context.Context, level, name int, levelName, optName string, v int) error {
	var text string
	if s.traced() {
		text = fmt.Sprintf("%d, %s, %s, %d", s.fd, levelName, optName, v)
	}
	c, err := s.begin(ctx, event.OpSetsockopt, text, event.Args{Option: optName, Value: v})
	if err != nil {
		return err
	}
	c.attempt()
	err = s.conn.SetsockoptInt(level, name, v)
	s.report(&c, 0, err, nil)
	return wrap("setsockopt", netip.AddrPort{}, err)
}

func boolInt(on bool) int {
	if on {
		return 1
	}
	return 0
}

// SetReuseAddr makes setsockopt(SO_REUSEADDR), so a restarted server can bind
// while old connections sit in TIME_WAIT.
func (s *Socket) SetReuseAddr(ctx context.Context, on bool) error {
	return s.setsockopt(ctx, unix.SOL_SOCKET, unix.SO_REUSEADDR, "SOL_SOCKET", "SO_REUSEADDR", boolInt(on))
}

// SetNoDelay makes setsockopt(TCP_NODELAY): small segments leave at once
// instead of waiting, by Nagle's rule, for the peer's ACK of what is in
// flight.
func (s *Socket) SetNoDelay(ctx context.Context, on bool) error {
	return s.setsockopt(ctx, unix.IPPROTO_TCP, unix.TCP_NODELAY, "IPPROTO_TCP", "TCP_NODELAY", boolInt(on))
}

// SetV6Only makes setsockopt(IPV6_V6ONLY) on an IPv6 socket.
func (s *Socket) SetV6Only(ctx context.Context, on bool) error {
	return s.setsockopt(ctx, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, "IPPROTO_IPV6", "IPV6_V6ONLY", boolInt(on))
}

// Bind makes bind(2). Port 0 asks the kernel to choose; LocalAddr then holds
// the port it chose (read back with getsockname).
func (s *Socket) Bind(ctx context.Context, addr netip.AddrPort) error {
	var text string
	if s.traced() {
		text = fmt.Sprintf("%d, %s", s.fd, addr)
	}
	c, err := s.begin(ctx, event.OpBind, text, event.Args{Addr: addr})
	if err != nil {
		return err
	}
	c.attempt()
	err = s.conn.Bind(toSockaddr(addr, s.fam))
	if err == nil {
		s.refreshLocal()
	}
	s.report(&c, 0, err, nil)
	return wrap("bind", addr, err)
}

// Listen makes listen(2): the socket becomes a listening socket (state
// LISTEN) with an accept queue of about backlog finished connections.
func (s *Socket) Listen(ctx context.Context, backlog int) error {
	var text string
	if s.traced() {
		text = fmt.Sprintf("%d, %d", s.fd, backlog)
	}
	c, err := s.begin(ctx, event.OpListen, text, event.Args{Backlog: backlog})
	if err != nil {
		return err
	}
	c.attempt()
	err = s.conn.Listen(backlog)
	if err == nil {
		s.refreshLocal() // listen on an unbound socket binds an ephemeral port
	}
	s.report(&c, 0, err, nil)
	return wrap("listen", s.LocalAddr(), err)
}

// Accept makes accept(2) and returns the new connected socket. The listening
// socket is untouched and stays in LISTEN; the new one has its own fd.
func (s *Socket) Accept(ctx context.Context) (*Socket, error) {
	var text string
	if s.traced() {
		text = strconv.Itoa(s.fd)
	}
	c, err := s.begin(ctx, event.OpAccept, text, event.Args{})
	if err != nil {
		return nil, err
	}
	var (
		nfd int
		sa  unix.Sockaddr
	)
	err = s.conn.ReadFunc(ctx, "accept", func(fd int) error {
		c.attempt()
		var err error
		nfd, sa, err = acceptFD(fd)
		if err == unix.EAGAIN {
			c.notYet(s.base)
		}
		return err
	})
	var conn *socket.Conn
	if err == nil {
		if conn, err = socket.New(nfd, "socklab"); err != nil {
			unix.Close(nfd)
		}
	}
	if err != nil {
		s.report(&c, -1, err, nil)
		return nil, wrap("accept", s.LocalAddr(), err)
	}
	ns := &Socket{sockCore: sockCore{tr: s.tr, fam: s.fam, typ: s.typ, accepted: true, role: event.RoleConn}, conn: conn, fd: nfd}
	ns.rc, _ = conn.SyscallConn()
	ns.remote = fromSockaddr(sa)
	ns.refreshLocal()
	s.tr.Reg.add(ns)
	s.finishAccept(&c, ns, nfd)
	return ns, nil
}

// Connect makes connect(2) and waits, as a blocking socket would, until the
// kernel has finished the handshake (or failed it). The ephemeral port the
// kernel picked is in LocalAddr afterwards.
func (s *Socket) Connect(ctx context.Context, addr netip.AddrPort) error {
	var text string
	if s.traced() {
		text = fmt.Sprintf("%d, %s", s.fd, addr)
	}
	c, err := s.begin(ctx, event.OpConnect, text, event.Args{Addr: addr})
	if err != nil {
		return err
	}
	first := true
	err = s.conn.WriteFunc(ctx, "connect", func(fd int) error {
		c.attempt()
		if first {
			first = false
			err := unix.Connect(fd, toSockaddr(addr, s.fam))
			if err == unix.EINPROGRESS {
				s.refreshLocal()
				c.notYet(s.baseConnect)
			}
			return err
		}
		// Woken by the poller: the handshake ended; SO_ERROR says how.
		v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return err
		}
		if v != 0 {
			cerr := unix.Errno(v)
			if cerr == unix.EINPROGRESS || cerr == unix.EALREADY || cerr == unix.EINTR {
				return unix.EAGAIN
			}
			return cerr
		}
		if _, err := unix.Getpeername(fd); err != nil {
			return unix.EAGAIN // spurious wake-up; wait again
		}
		return nil
	})
	switch {
	case err == nil || errors.Is(err, unix.EISCONN):
		err = nil
		s.refreshLocal()
		s.refreshRemote()
		if s.typ == Datagram {
			s.setRemote(addr)
		}
	case s.typ == Stream:
		s.setRemote(addr)
	}
	s.report(&c, 0, err, nil)
	return wrap("connect", addr, err)
}

// Send makes one send(2) call and returns how many bytes the kernel took,
// which may be fewer than len(p).
func (s *Socket) Send(ctx context.Context, p []byte) (int, error) {
	var text string
	later := s.tr.textLater()
	if s.traced() && !later { // formatting costs more than the call itself on the fast path
		text = s.sendCallText(s.fd, p)
	}
	op := s.takeOp(&s.sendOp, true)
	defer s.putOp(&s.sendOp, op)
	var err error
	if err = op.c.begin(ctx, s.tr, event.OpSend, s.fd, s.role, text, event.Args{Size: len(p)}); err != nil {
		return 0, err
	}
	op.c.textLater = later
	op.buf = p
	err = op.run(ctx)
	n := op.n
	if err != nil {
		n = 0
	}
	if op.c.textLater && n < min(len(p), event.SendQuote) {
		// The event's copy of what was sent will not hold the bytes the
		// text shows: the text is made now, from what was offered.
		op.c.text, op.c.textLater = s.sendCallText(s.fd, p), false
	}
	s.bytesOut.Add(uint64(n))
	s.report(&op.c, n, err, p[:n])
	if err != nil { // the address is looked up (a lock) only for an error
		return n, wrap("send", s.RemoteAddr(), err)
	}
	return n, nil
}

// notReady: the kernel said "not yet"; the poller waits and calls again.
func notReady(err error) bool {
	return err == unix.EAGAIN || err == unix.EINTR || err == unix.EINPROGRESS
}

// RecvInto is Recv into a caller's buffer (no allocation on the hot path).
func (s *Socket) RecvInto(ctx context.Context, buf []byte) (int, error) {
	var text string
	if s.traced() {
		text = s.recvCallText(s.fd, len(buf))
	}
	op := s.takeOp(&s.recvOp, false)
	defer s.putOp(&s.recvOp, op)
	var err error
	if err = op.c.begin(ctx, s.tr, event.OpRecv, s.fd, s.role, text, event.Args{Size: len(buf)}); err != nil {
		return 0, err
	}
	op.buf = buf
	err = op.run(ctx)
	n := op.n
	if err != nil {
		n = 0
	}
	s.bytesIn.Add(uint64(n))
	s.report(&op.c, n, err, buf[:n])
	if err != nil { // the address is looked up (a lock) only for an error
		return n, wrap("recv", s.RemoteAddr(), err)
	}
	return n, nil
}

// SendTo makes one sendto(2) call: a datagram to addr, no connection needed.
func (s *Socket) SendTo(ctx context.Context, p []byte, addr netip.AddrPort) (int, error) {
	var text string
	if s.traced() {
		text = fmt.Sprintf("%d, %s, %d, 0, %s", s.fd, event.Quote(p, 24), len(p), addr)
	}
	c, err := s.begin(ctx, event.OpSendto, text, event.Args{Addr: addr, Size: len(p)})
	if err != nil {
		return 0, err
	}
	var n int
	err = s.conn.WriteFunc(ctx, "sendto", func(fd int) error {
		c.attempt()
		var err error
		n, err = unix.SendmsgN(fd, p, nil, toSockaddr(addr, s.fam), 0)
		if err == unix.EAGAIN {
			c.notYet(s.base)
		}
		return err
	})
	if err == nil && (!s.LocalAddr().IsValid() || s.LocalAddr().Port() == 0) {
		s.refreshLocal() // the first sendto binds an ephemeral port
	}
	if err != nil {
		n = 0
	}
	s.bytesOut.Add(uint64(n))
	s.finishDatagram(&c, n, err, addr, p, "")
	return n, wrap("sendto", addr, err)
}

// RecvFrom makes one recvfrom(2) call: one datagram (truncated to max) and
// the address it came from.
func (s *Socket) RecvFrom(ctx context.Context, max int) ([]byte, netip.AddrPort, error) {
	if err := checkRecvSize("recvfrom", max); err != nil {
		return nil, netip.AddrPort{}, err
	}
	var text string
	if s.traced() {
		text = fmt.Sprintf("%d, %d, 0", s.fd, max)
	}
	c, err := s.begin(ctx, event.OpRecvfrom, text, event.Args{Size: max})
	if err != nil {
		return nil, netip.AddrPort{}, err
	}
	buf := make([]byte, max)
	var (
		n    int
		from unix.Sockaddr
	)
	err = s.conn.ReadFunc(ctx, "recvfrom", func(fd int) error {
		c.attempt()
		var err error
		n, from, err = unix.Recvfrom(fd, buf, 0)
		if err == unix.EAGAIN {
			c.notYet(s.base)
		}
		return err
	})
	if err != nil {
		n = 0
	}
	peer := fromSockaddr(from)
	s.bytesIn.Add(uint64(n))
	s.finishDatagram(&c, n, err, peer, buf, "")
	return buf[:n], peer, wrap("recvfrom", s.LocalAddr(), err)
}

// Shutdown makes shutdown(2). SHUT_WR is the half-close: a FIN goes out,
// the peer's recv returns 0, and this side can still receive.
func (s *Socket) Shutdown(ctx context.Context, how How) error {
	var text string
	if s.traced() {
		text = fmt.Sprintf("%d, %s", s.fd, how)
	}
	c, err := s.begin(ctx, event.OpShutdown, text, event.Args{Option: how.String()})
	if err != nil {
		return err
	}
	c.attempt()
	err = s.conn.Shutdown(int(how))
	s.report(&c, 0, err, nil)
	return wrap("shutdown", s.RemoteAddr(), err)
}

// SetReadDeadline bounds the next recv/accept; a call past it fails with a
// timeout (socklab's own timer, not a kernel errno).
func (s *Socket) SetReadDeadline(t time.Time) error { return s.conn.SetReadDeadline(t) }

// SetWriteDeadline bounds the next send.
func (s *Socket) SetWriteDeadline(t time.Time) error { return s.conn.SetWriteDeadline(t) }

// Close makes close(2). For a connected TCP socket the kernel sends a FIN;
// the event's state is read from the kernel's connection table afterwards
// (FIN_WAIT1/2, TIME_WAIT, or none when the connection is gone). A second
// Close does nothing and reports nothing.
func (s *Socket) Close(ctx context.Context) error {
	if s.closed.Load() {
		return nil
	}
	var text string
	if s.traced() {
		text = strconv.Itoa(s.fd)
	}
	// A cancelled context must not keep a socket open: the gate is skipped
	// when ctx is done.
	c, _ := s.begin(ctx, event.OpClose, text, event.Args{})
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	c.attempt()
	err := s.conn.Close()
	s.report(&c, 0, err, nil)
	return wrap("close", netip.AddrPort{}, err)
}

// KernelState is State made safe against a concurrent Close: TCP_INFO is
// read while the poller holds the fd open, so a number the kernel has
// already given to another socket is never asked about; once closed, the
// connection is looked up by its 4-tuple.
func (s *Socket) KernelState() event.TCPState {
	if s.typ != Stream || s.closed.Load() || s.rc == nil {
		return s.State()
	}
	st := event.StateNone
	if err := s.rc.Control(func(fd uintptr) { st = tcpState(int(fd)) }); err != nil {
		return stateByTuple(s.LocalAddr(), s.RemoteAddr())
	}
	return st
}

package sock

// The calls that set a socket up. Go's net package makes socket, bind and
// listen (or connect) in one function on Windows, so these calls are where
// steps merge; each merge is reported as a note.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/socklab/socklab/netlab/event"
)

// made is the Control hook of a merged call: net runs it between socket and
// bind, so it reads the new handle and makes a recorded IPV6_V6ONLY there.
func (s *Socket) made(h *int) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		var err error
		cerr := c.Control(func(fd uintptr) {
			*h = int(fd)
			s.mu.Lock()
			v6 := s.v6only
			s.mu.Unlock()
			if v6 >= 0 && s.fam == IPv6 {
				if e := syscall.SetsockoptInt(syscall.Handle(fd), syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, v6); e != nil {
					err = os.NewSyscallError("setsockopt", e)
				}
			}
		})
		if cerr != nil {
			return cerr
		}
		return err
	}
}

// adopt records what a successful merged call made. It reports false when
// Close came first: the new socket is closed again at once.
func (s *Socket) adopt(h int, ln *net.TCPListener, conn net.Conn) bool {
	var rc syscall.RawConn
	var err error
	if ln != nil {
		rc, err = ln.SyscallConn()
	} else {
		rc, err = conn.(syscall.Conn).SyscallConn()
	}
	s.mu.Lock()
	if s.closed.Load() || err != nil {
		s.mu.Unlock()
		if ln != nil {
			ln.Close()
		} else {
			conn.Close()
		}
		return false
	}
	s.fd, s.ln, s.conn, s.rc, s.gone = h, ln, conn, rc, false
	if ln != nil && !s.rdl.IsZero() {
		_ = ln.SetDeadline(s.rdl)
	}
	if conn != nil {
		_ = conn.SetReadDeadline(s.rdl)
		_ = conn.SetWriteDeadline(s.wdl)
	}
	s.mu.Unlock()
	s.tr.Reg.add(s)
	return true
}

// mergedErr names, in the returned error, the part of a merged call that
// failed ("bind" for EADDRINUSE), and marks the socket gone: net closes a
// socket whose listen or dial failed.
func (s *Socket) mergedErr(op event.Op, addr netip.AddrPort, err error) (string, error) {
	call := op.String()
	s.mu.Lock()
	s.gone = true
	s.mu.Unlock()
	part := call
	var se *os.SyscallError
	if errors.As(err, &se) {
		part = strings.TrimSuffix(strings.TrimPrefix(se.Syscall, "wsa"), "ex") // connectex, wsasocket
	}
	if s.closed.Load() {
		err = net.ErrClosed
	}
	return part, &CallError{Call: part, Addr: addr, Errno: event.ErrnoOf(err), Err: unwrapSyscall(err)}
}

func unwrapSyscall(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

// SetReuseAddr does not make setsockopt(SO_REUSEADDR) on Windows: there the
// option lets a second socket bind a port that another socket is using, the
// opposite of what a restarted server needs (Windows already lets it bind a
// port whose old connections sit in TIME_WAIT, which is why Go's net package
// never sets it). A note on screen says so.
func (s *Socket) SetReuseAddr(ctx context.Context, on bool) error {
	v := 0
	if on {
		v = 1
	}
	if s.tr.Sink != nil {
		args := fmt.Sprintf("%d, SOL_SOCKET, SO_REUSEADDR, %d", s.FD(), v)
		s.note(event.OpSetsockopt, args, "setsockopt("+args+") not made on Windows: there SO_REUSEADDR would let another socket take a port in use; a restarted server can rebind past TIME_WAIT without it (Go's net package never sets it on Windows)")
	}
	return nil
}

// SetNoDelay sets TCP_NODELAY through Go's net (which sets it on every
// Windows connection already), with a note on screen.
func (s *Socket) SetNoDelay(ctx context.Context, on bool) error {
	if tc, ok := s.conn.(*net.TCPConn); ok {
		if err := tc.SetNoDelay(on); err != nil {
			return err
		}
	}
	if s.tr.Sink != nil {
		s.note(event.OpSetsockopt, fmt.Sprintf("%d, IPPROTO_TCP, TCP_NODELAY, %t", s.FD(), on), "TCP_NODELAY set through Go's net on Windows")
	}
	return nil
}

// SetV6Only makes setsockopt(IPV6_V6ONLY) on an IPv6 socket. Before the
// socket exists, the value is recorded and set inside the merged call,
// before its bind.
func (s *Socket) SetV6Only(ctx context.Context, on bool) error {
	v := 0
	if on {
		v = 1
	}
	args := fmt.Sprintf("%d, IPPROTO_IPV6, IPV6_V6ONLY, %d", s.FD(), v)
	if s.FD() < 0 {
		s.mu.Lock()
		s.v6only = v
		s.mu.Unlock()
		if s.tr.Sink != nil {
			s.note(event.OpSetsockopt, args, "setsockopt(IPV6_V6ONLY) merged on Windows: it is made inside the next step that creates the socket, before its bind")
		}
		return nil
	}
	cl, err := s.gate(ctx, event.OpSetsockopt, args, event.Args{Option: "IPV6_V6ONLY", Value: v})
	if err != nil {
		return err
	}
	cl.attempt()
	fd := s.FD()
	err = s.control(func(h syscall.Handle) error {
		return syscall.SetsockoptInt(h, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, v)
	})
	s.doneFD(&cl, fd, 0, err, nil, "")
	return wrap("setsockopt", netip.AddrPort{}, err)
}

// Bind makes bind(2) where Windows allows it on its own: on a UDP socket
// not made yet, as the merged socket+bind. On a TCP socket not made yet it
// records the address for the next listen or connect, which reports the
// real bind's result (EADDRINUSE, EACCES appear there).
func (s *Socket) Bind(ctx context.Context, addr netip.AddrPort) error {
	fd := s.FD()
	args := fmt.Sprintf("%d, %s", fd, addr)
	if fd >= 0 {
		// The socket exists (net always binds it): a second bind is a real
		// call and the kernel's answer is shown.
		cl, err := s.gate(ctx, event.OpBind, args, event.Args{Addr: addr})
		if err != nil {
			return err
		}
		cl.attempt()
		err = s.control(func(h syscall.Handle) error { return syscall.Bind(h, toSockaddr(addr, s.fam)) })
		s.doneFD(&cl, fd, 0, err, nil, "")
		return wrap("bind", addr, err)
	}
	if s.typ == Stream {
		s.mu.Lock()
		s.bindTo = addr
		s.mu.Unlock()
		if s.tr.Sink != nil {
			s.note(event.OpBind, args, "bind("+addr.String()+") merged on Windows: Go's net package binds in the same step as listen or connect; that step reports bind's result")
		}
		return nil
	}
	cl, err := s.gate(ctx, event.OpBind, args, event.Args{Addr: addr})
	if err != nil {
		return err
	}
	const note = "merged on Windows: socket+bind in one step; the result is the new socket's handle"
	if s.tr.Sink != nil {
		s.note(event.OpBind, args, "bind("+args+") "+note)
	}
	cl.attempt()
	h, err := s.makeUDP(ctx, addr)
	if err != nil {
		part, cerr := s.mergedErr(event.OpBind, addr, err)
		s.doneFD(&cl, -1, -1, err, nil, note+"; it failed in "+part)
		return cerr
	}
	s.doneFD(&cl, -1, h, nil, nil, note)
	return nil
}

// makeUDP makes socket+bind for a UDP socket (an explicit bind, or the
// implicit one of a first sendto) and returns the new handle. The caller
// reports the call.
func (s *Socket) makeUDP(ctx context.Context, addr netip.AddrPort) (int, error) {
	h := -1
	lc := net.ListenConfig{Control: s.made(&h)}
	pc, err := lc.ListenPacket(ctx, s.network(), addr.String())
	if err != nil {
		return -1, err
	}
	if !s.adopt(h, nil, pc.(*net.UDPConn)) {
		return -1, net.ErrClosed
	}
	s.refreshLocal()
	return h, nil
}

// Listen makes listen(2). On a TCP socket not made yet it is the merged
// socket+bind+listen, whose result is the new handle; the backlog asked for
// is not passed (Go's net package asks for SOMAXCONN).
func (s *Socket) Listen(ctx context.Context, backlog int) error {
	fd := s.FD()
	args := fmt.Sprintf("%d, %d", fd, backlog)
	if fd >= 0 {
		// Already made (a listener, a connected or a UDP socket): a real
		// listen call, whatever the kernel says about it.
		cl, err := s.gate(ctx, event.OpListen, args, event.Args{Backlog: backlog})
		if err != nil {
			return err
		}
		cl.attempt()
		err = s.control(func(h syscall.Handle) error { return syscall.Listen(h, backlog) })
		s.doneFD(&cl, fd, 0, err, nil, "")
		return wrap("listen", s.LocalAddr(), err)
	}
	if s.typ != Stream {
		return s.refuse(event.OpListen, args, netip.AddrPort{}, errNoSocket)
	}
	cl, err := s.gate(ctx, event.OpListen, args, event.Args{Backlog: backlog})
	if err != nil {
		return err
	}
	s.mu.Lock()
	addr := s.bindTo
	s.mu.Unlock()
	if !addr.IsValid() {
		addr = s.wildcard() // listen on an unbound socket binds an ephemeral port
	}
	note := "merged on Windows: socket+bind(" + addr.String() + ")+listen in one step; the result is the new socket's handle; backlog " + strconv.Itoa(backlog) + " is not passed (Go asks for SOMAXCONN)"
	if s.tr.Sink != nil {
		s.note(event.OpListen, args, "listen("+args+") "+note)
	}
	cl.attempt()
	h := -1
	lc := net.ListenConfig{Control: s.made(&h)}
	l, err := lc.Listen(ctx, s.network(), addr.String())
	if err != nil {
		part, cerr := s.mergedErr(event.OpListen, addr, err)
		s.doneFD(&cl, -1, -1, err, nil, note+"; it failed in "+part)
		return cerr
	}
	if !s.adopt(h, l.(*net.TCPListener), nil) {
		s.doneFD(&cl, -1, -1, net.ErrClosed, nil, note)
		return wrap("listen", addr, net.ErrClosed)
	}
	s.refreshLocal()
	s.doneFD(&cl, -1, h, nil, nil, note)
	return nil
}

// Accept makes accept (AcceptEx on Windows) and returns the new connected
// socket. The listening socket stays in LISTEN; the new one has its own
// handle.
func (s *Socket) Accept(ctx context.Context) (*Socket, error) {
	fd := s.FD()
	args := strconv.Itoa(fd)
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln == nil {
		return nil, s.refuse(event.OpAccept, args, s.LocalAddr(), errors.New("not a listening socket: call listen first"))
	}
	cl, err := s.gate(ctx, event.OpAccept, args, event.Args{})
	if err != nil {
		return nil, err
	}
	cl.attempt()
	w := s.watch(&cl)
	c := onCancel(ctx, ln.SetDeadline)
	tc, err := ln.AcceptTCP()
	if c.end(func() { s.mu.Lock(); _ = ln.SetDeadline(s.rdl); s.mu.Unlock() }) && err != nil {
		err = ctx.Err()
	}
	w.stop()
	if err != nil {
		s.doneFD(&cl, fd, -1, err, nil, "")
		return nil, wrap("accept", s.LocalAddr(), err)
	}
	ns := &Socket{sockCore: sockCore{tr: s.tr, fam: s.fam, typ: s.typ, accepted: true, role: event.RoleConn}, fd: -1, v6only: -1}
	h := -1
	if rc, err := tc.SyscallConn(); err == nil {
		_ = rc.Control(func(u uintptr) { h = int(u) })
	}
	if !ns.adopt(h, nil, tc) {
		s.doneFD(&cl, fd, -1, net.ErrClosed, nil, "")
		return nil, wrap("accept", s.LocalAddr(), net.ErrClosed)
	}
	ns.refreshLocal()
	ns.refreshRemote()
	s.finishAccept(&cl, ns, h)
	return ns, nil
}

// Connect makes connect(2) and waits for the handshake. On a socket not
// made yet it is the merged socket(+bind)+connect, whose result is the new
// handle; the ephemeral port the kernel picked is in LocalAddr afterwards.
func (s *Socket) Connect(ctx context.Context, addr netip.AddrPort) error {
	fd := s.FD()
	args := fmt.Sprintf("%d, %s", fd, addr)
	if fd >= 0 {
		return s.connectMade(ctx, fd, args, addr)
	}
	cl, err := s.gate(ctx, event.OpConnect, args, event.Args{Addr: addr})
	if err != nil {
		return err
	}
	s.mu.Lock()
	bindTo := s.bindTo
	dctx, cancel := context.WithCancel(ctx)
	s.abort = cancel
	wdl := s.wdl
	s.mu.Unlock()
	defer cancel()
	merged := "socket+connect"
	d := net.Dialer{Deadline: wdl}
	if bindTo.IsValid() {
		merged = "socket+bind(" + bindTo.String() + ")+connect"
		if s.typ == Stream {
			d.LocalAddr = net.TCPAddrFromAddrPort(bindTo)
		} else {
			d.LocalAddr = net.UDPAddrFromAddrPort(bindTo)
		}
	}
	note := "merged on Windows: " + merged + " in one step; the result is the new socket's handle"
	if s.tr.Sink != nil {
		s.note(event.OpConnect, args, "connect("+args+") "+note)
	}
	cl.attempt()
	h := -1
	d.Control = s.made(&h)
	w := s.watch(&cl)
	conn, err := d.DialContext(dctx, s.network(), addr.String())
	w.stop()
	s.mu.Lock()
	s.abort = nil
	s.mu.Unlock()
	if err != nil {
		s.mu.Lock()
		if s.typ == Stream {
			s.remote = addr
		}
		s.mu.Unlock()
		part, cerr := s.mergedErr(event.OpConnect, addr, err)
		if s.closed.Load() {
			err = net.ErrClosed
		}
		s.doneFD(&cl, -1, -1, err, nil, note+"; it failed in "+part)
		return cerr
	}
	if !s.adopt(h, nil, conn) {
		s.doneFD(&cl, -1, -1, net.ErrClosed, nil, note)
		return wrap("connect", addr, net.ErrClosed)
	}
	s.refreshLocal()
	s.refreshRemote()
	s.doneFD(&cl, -1, h, nil, nil, note)
	return nil
}

// connectMade is connect(2) on a socket that exists: for UDP it sets the
// default peer; for TCP the kernel answers at once (EISCONN on a connected
// socket, EINVAL on a listener), so the call cannot block a thread.
func (s *Socket) connectMade(ctx context.Context, fd int, args string, addr netip.AddrPort) error {
	cl, err := s.gate(ctx, event.OpConnect, args, event.Args{Addr: addr})
	if err != nil {
		return err
	}
	cl.attempt()
	err = s.control(func(h syscall.Handle) error { return syscall.Connect(h, toSockaddr(addr, s.fam)) })
	if err == nil {
		s.refreshLocal()
		s.refreshRemote()
		if s.typ == Datagram {
			s.mu.Lock()
			s.remote = addr
			s.mu.Unlock()
		}
	}
	s.doneFD(&cl, fd, 0, err, nil, "")
	return wrap("connect", addr, err)
}

// SetLingerZero sets SO_LINGER {on, 0} through Go's net (SetLinger(0)),
// so the next close sends a RST, with a note on screen.
func (s *Socket) SetLingerZero(ctx context.Context) error {
	if tc, ok := s.conn.(*net.TCPConn); ok {
		if err := tc.SetLinger(0); err != nil {
			return err
		}
	}
	if s.tr.Sink != nil {
		s.note(event.OpSetsockopt, fmt.Sprintf("%d, SOL_SOCKET, SO_LINGER, {on, 0}", s.FD()), "SO_LINGER set through Go's net on Windows")
	}
	return nil
}

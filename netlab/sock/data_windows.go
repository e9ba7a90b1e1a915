package sock

// The calls that move bytes, and shutdown: one net call (WSASend, WSARecv,
// WSASendTo, WSARecvFrom) or one raw call on the handle each.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"syscall"

	"github.com/socklab/socklab/netlab/event"
)

// connected returns the socket's net.Conn, or nil.
func (s *Socket) connected() net.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn
}

// Send makes one send call (WSASend) and returns how many bytes the kernel
// took.
func (s *Socket) Send(ctx context.Context, p []byte) (int, error) {
	fd := s.FD()
	var args string
	if s.tr.Sink != nil || s.tr.Gate != nil {
		args = fmt.Sprintf("%d, %s, %d, 0", fd, event.Quote(p, 24), len(p))
	}
	conn := s.connected()
	if conn == nil {
		return 0, s.refuse(event.OpSend, args, s.RemoteAddr(), s.missing())
	}
	cl, err := s.gate(ctx, event.OpSend, args, event.Args{Size: len(p)})
	if err != nil {
		return 0, err
	}
	cl.attempt()
	w := s.watch(&cl)
	c := onCancel(ctx, conn.SetWriteDeadline)
	n, err := conn.Write(p)
	if c.end(func() { s.mu.Lock(); _ = conn.SetWriteDeadline(s.wdl); s.mu.Unlock() }) && err != nil {
		err = ctx.Err()
	}
	w.stop()
	if err != nil {
		n = 0
	}
	s.bytesOut.Add(uint64(n))
	s.doneFD(&cl, fd, n, err, p[:n], "")
	return n, wrap("send", s.RemoteAddr(), err)
}

// missing says why a data call has no connection to go through.
func (s *Socket) missing() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rc == nil {
		return errNoSocket
	}
	return errNotConnected
}

// RecvInto is Recv into a caller's buffer (WSARecv on Windows).
func (s *Socket) RecvInto(ctx context.Context, buf []byte) (int, error) {
	fd := s.FD()
	var args string
	if s.tr.Sink != nil || s.tr.Gate != nil {
		args = fmt.Sprintf("%d, %d, 0", fd, len(buf))
	}
	conn := s.connected()
	if conn == nil {
		return 0, s.refuse(event.OpRecv, args, s.RemoteAddr(), s.missing())
	}
	cl, err := s.gate(ctx, event.OpRecv, args, event.Args{Size: len(buf)})
	if err != nil {
		return 0, err
	}
	cl.attempt()
	w := s.watch(&cl)
	c := onCancel(ctx, conn.SetReadDeadline)
	n, err := conn.Read(buf)
	if c.end(func() { s.mu.Lock(); _ = conn.SetReadDeadline(s.rdl); s.mu.Unlock() }) && err != nil {
		err = ctx.Err()
	}
	w.stop()
	if err == io.EOF {
		err = nil // recv returned 0: the peer's FIN
	}
	if err != nil {
		n = 0
	}
	s.bytesIn.Add(uint64(n))
	s.doneFD(&cl, fd, n, err, buf[:n], "")
	return n, wrap("recv", s.RemoteAddr(), err)
}

func (s *Socket) udp() *net.UDPConn {
	uc, _ := s.connected().(*net.UDPConn)
	return uc
}

// SendTo makes one sendto call: a datagram to addr. On a UDP socket not
// made yet it is the merged socket+bind(any address, port 0)+sendto, the
// bind Linux does implicitly.
func (s *Socket) SendTo(ctx context.Context, p []byte, addr netip.AddrPort) (int, error) {
	fd := s.FD()
	args := fmt.Sprintf("%d, %s, %d, 0, %s", fd, event.Quote(p, 24), len(p), addr)
	if s.typ != Datagram {
		return 0, s.refuse(event.OpSendto, args, addr, errors.New("sendto on a TCP socket is not supported by socklab on Windows: use send"))
	}
	cl, err := s.gate(ctx, event.OpSendto, args, event.Args{Addr: addr, Size: len(p)})
	if err != nil {
		return 0, err
	}
	cl.attempt()
	var note string
	if fd < 0 {
		// One step, one event under the gated fd (-1): the result is the
		// byte count, as for any sendto; the handle is in the note.
		note = "merged on Windows: socket+bind(" + s.wildcard().String() + ")+sendto in one step (Linux binds implicitly)"
		if s.tr.Sink != nil {
			s.note(event.OpSendto, args, "sendto("+args+") "+note)
		}
		h, err := s.makeUDP(ctx, s.wildcard())
		if err != nil {
			part, cerr := s.mergedErr(event.OpSendto, addr, err)
			s.doneFD(&cl, -1, -1, err, nil, note+"; it failed in "+part)
			return 0, cerr
		}
		note += "; new socket's handle " + strconv.Itoa(h)
	}
	uc := s.udp()
	if uc == nil {
		return 0, s.refuse(event.OpSendto, args, addr, errNotConnected)
	}
	c := onCancel(ctx, uc.SetWriteDeadline)
	n, err := uc.WriteToUDPAddrPort(p, addr)
	if c.end(func() { s.mu.Lock(); _ = uc.SetWriteDeadline(s.wdl); s.mu.Unlock() }) && err != nil {
		err = ctx.Err()
	}
	if err != nil {
		n = 0
	}
	s.bytesOut.Add(uint64(n))
	s.finishDatagram(&cl, n, err, addr, p, note)
	return n, wrap("sendto", addr, err)
}

// RecvFrom makes one recvfrom call (WSARecvFrom): one datagram (truncated
// to max) and the address it came from.
func (s *Socket) RecvFrom(ctx context.Context, max int) ([]byte, netip.AddrPort, error) {
	if err := checkRecvSize("recvfrom", max); err != nil {
		return nil, netip.AddrPort{}, err
	}
	fd := s.FD()
	args := fmt.Sprintf("%d, %d, 0", fd, max)
	uc := s.udp()
	if uc == nil {
		return nil, netip.AddrPort{}, s.refuse(event.OpRecvfrom, args, s.LocalAddr(), s.missing())
	}
	cl, err := s.gate(ctx, event.OpRecvfrom, args, event.Args{Size: max})
	if err != nil {
		return nil, netip.AddrPort{}, err
	}
	cl.attempt()
	buf := make([]byte, max)
	w := s.watch(&cl)
	c := onCancel(ctx, uc.SetReadDeadline)
	n, from, err := uc.ReadFromUDPAddrPort(buf)
	if c.end(func() { s.mu.Lock(); _ = uc.SetReadDeadline(s.rdl); s.mu.Unlock() }) && err != nil {
		err = ctx.Err()
	}
	w.stop()
	if err != nil {
		n = 0
	}
	peer := netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	s.bytesIn.Add(uint64(n))
	s.finishDatagram(&cl, n, err, peer, buf, "")
	return buf[:n], peer, wrap("recvfrom", s.LocalAddr(), err)
}

// Shutdown makes shutdown(2) on the socket's handle. SHUT_WR is the
// half-close: a FIN goes out, the peer's recv returns 0, and this side can
// still receive.
func (s *Socket) Shutdown(ctx context.Context, how How) error {
	fd := s.FD()
	args := fmt.Sprintf("%d, %s", fd, how)
	if fd < 0 {
		return s.refuse(event.OpShutdown, args, s.RemoteAddr(), errNoSocket)
	}
	cl, err := s.gate(ctx, event.OpShutdown, args, event.Args{Option: how.String()})
	if err != nil {
		return err
	}
	cl.attempt()
	err = s.control(func(h syscall.Handle) error { return syscall.Shutdown(h, int(how)) })
	s.doneFD(&cl, fd, 0, err, nil, "")
	return wrap("shutdown", s.RemoteAddr(), err)
}

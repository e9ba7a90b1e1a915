package sock

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// Socket is one real Windows socket, made and driven through Go's net
// package: it is the only way to use Windows' I/O completion ports from Go,
// so blocked calls park goroutines (not threads) and can be cancelled and
// closed, as on Linux and macOS.
//
// The price is step fidelity. net makes socket, bind and listen (or socket,
// bind and connect) in one function, so on Windows:
//
//   - socket() makes no call: it records the family and type, and the next
//     listen, connect or (UDP) bind/sendto makes the socket and reports its
//     handle as that step's result (Event.FD stays -1, the value the step
//     gate and the event's watchers know the call by);
//   - bind() on a TCP socket records the address; the real bind happens in
//     the following listen or connect, which reports bind's errors;
//   - setsockopt(SO_REUSEADDR) is not made at all (see SetReuseAddr);
//   - the listen backlog is Go's (SOMAXCONN), not the one asked for;
//   - "blocked in kernel" is reported by socklab's own timer (the call had
//     not returned after blockedAfter): Windows' overlapped I/O does not say
//     whether a call would have blocked.
//
// Each merge is written on screen as a note. The handle, addresses
// (getsockname/getpeername), byte counts, errors and TCP states shown are
// still the kernel's own answers.
type Socket struct {
	sockCore
	fd     int            // the SOCKET handle; -1 until a merged call made the socket
	bindTo netip.AddrPort // a TCP bind waiting for the merged listen/connect
	v6only int            // -1: not asked; 0 or 1: set inside the merged call
	ln     *net.TCPListener
	conn   net.Conn // *net.TCPConn or *net.UDPConn
	rc     syscall.RawConn
	gone   bool               // a merged call failed and net closed the socket
	abort  context.CancelFunc // ends a merged connect in progress (Close)
	rdl    time.Time
	wdl    time.Time
}

// errNoSocket is returned by calls made before any merged call created the
// socket (or after one failed and net closed it).
var errNoSocket = errors.New("no socket yet: on Windows socklab makes the socket with listen, connect, or (UDP) bind or sendto")

var errNotConnected = errors.New("not a connected socket: on Windows socklab makes this call through a connected socket only")

// Open records a socket(2) call. On Windows no call is made here: the
// socket is created by the next listen, connect, or (UDP) bind or sendto,
// and a note on screen says so.
func Open(ctx context.Context, tr Tracer, fam Family, typ Type) (*Socket, error) {
	s := &Socket{sockCore: sockCore{tr: tr, fam: fam, typ: typ, role: tr.Role}, fd: -1, v6only: -1}
	if tr.Sink != nil {
		with := "bind+listen or connect"
		if typ == Datagram {
			with = "bind, connect or sendto"
		}
		tr.emit(event.Event{Kind: event.KindNote, Op: event.OpSocket, Role: tr.Role, Text: fam.String() + ", " + typ.String() + ", 0", FD: -1,
			Note: "socket(" + fam.String() + ", " + typ.String() + ", 0) merged on Windows: the socket is made in one step with the next " + with + ", which shows its handle"})
	}
	return s, nil
}

// FD returns the SOCKET handle Windows gave this socket, or -1 before the
// merged call made it.
func (s *Socket) FD() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fd
}

// State asks the kernel for the TCP state now (SIO_TCP_INFO; after close,
// the connection table); StateNone for UDP, a socket not made yet, or a
// Windows without these sources.
func (s *Socket) State() event.TCPState {
	if s.closed.Load() {
		if s.typ != Stream {
			return event.StateNone
		}
		return tupleTCPState(s.LocalAddr(), s.RemoteAddr())
	}
	return s.stateNow()
}

func (s *Socket) stateNow() event.TCPState {
	if s.typ != Stream {
		return event.StateNone
	}
	st := event.StateNone
	if s.control(func(h syscall.Handle) error { st = sockTCPState(h); return nil }) != nil {
		return event.StateNone
	}
	if st == event.StateNone {
		// Windows before 10 1703 has no SIO_TCP_INFO: ask the table.
		return tupleTCPState(s.LocalAddr(), s.RemoteAddr())
	}
	return st
}

// control runs f on the socket's handle while net keeps it open.
func (s *Socket) control(f func(h syscall.Handle) error) error {
	s.mu.Lock()
	rc := s.rc
	s.mu.Unlock()
	if rc == nil {
		return errNoSocket
	}
	var err error
	if cerr := rc.Control(func(fd uintptr) { err = f(syscall.Handle(fd)) }); cerr != nil {
		return cerr
	}
	return err
}

// refreshLocal asks getsockname; it is how the port the kernel picked
// becomes visible.
func (s *Socket) refreshLocal() {
	_ = s.control(func(h syscall.Handle) error {
		sa, err := syscall.Getsockname(h)
		if err == nil {
			s.mu.Lock()
			s.local = fromSockaddr(sa)
			s.mu.Unlock()
		}
		return err
	})
}

func (s *Socket) refreshRemote() {
	_ = s.control(func(h syscall.Handle) error {
		sa, err := syscall.Getpeername(h)
		if err == nil {
			s.mu.Lock()
			s.remote = fromSockaddr(sa)
			s.mu.Unlock()
		}
		return err
	})
}

func fromSockaddr(sa syscall.Sockaddr) netip.AddrPort {
	if sa, ok := sa.(*syscall.SockaddrInet4); ok {
		return addrPortOf(sa.Addr[:], sa.Port)
	}
	if sa, ok := sa.(*syscall.SockaddrInet6); ok {
		return addrPortOf(sa.Addr[:], sa.Port)
	}
	return netip.AddrPort{}
}

// toSockaddr: an IPv6 address on an IPv4 socket goes to the kernel as
// the sockaddr_in6 it is, for the kernel's own error (see sockaddr_unix.go).
func toSockaddr(a netip.AddrPort, fam Family) syscall.Sockaddr {
	if fam == IPv6 || (a.Addr().Is6() && !a.Addr().Is4In6()) {
		return &syscall.SockaddrInet6{Addr: a.Addr().As16(), Port: int(a.Port())}
	}
	return &syscall.SockaddrInet4{Addr: a.Addr().Unmap().As4(), Port: int(a.Port())}
}

// network is the net package's name for the socket's family and type.
func (s *Socket) network() string {
	n := "tcp"
	if s.typ == Datagram {
		n = "udp"
	}
	if s.fam == IPv6 {
		return n + "6"
	}
	return n + "4"
}

// wildcard is the address an unbound socket gets: any address, port 0.
func (s *Socket) wildcard() netip.AddrPort {
	if s.fam == IPv6 {
		return netip.AddrPortFrom(netip.IPv6Unspecified(), 0)
	}
	return netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
}

// SetReadDeadline bounds the next recv/accept; a call past it fails with a
// timeout (socklab's own timer, not a kernel errno).
func (s *Socket) SetReadDeadline(t time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rdl = t
	switch {
	case s.conn != nil:
		return s.conn.SetReadDeadline(t)
	case s.ln != nil:
		return s.ln.SetDeadline(t)
	}
	return nil
}

// SetWriteDeadline bounds the next send (and a merged connect).
func (s *Socket) SetWriteDeadline(t time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wdl = t
	if s.conn != nil {
		return s.conn.SetWriteDeadline(t)
	}
	return nil
}

// Close makes closesocket. For a connected TCP socket the kernel sends a
// FIN; the event's state is read from the kernel's connection table
// afterwards. A socket never made (or closed by net after a failed merged
// call) has nothing to close: a note says so. A second Close does nothing.
func (s *Socket) Close(ctx context.Context) error {
	if s.closed.Load() {
		return nil
	}
	fd := s.FD()
	args := strconv.Itoa(fd)
	// A cancelled context must not keep a socket open: beginCall skips the
	// gate for close when ctx is done.
	cl, _ := s.gate(ctx, event.OpClose, args, event.Args{})
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	s.mu.Lock()
	ln, conn, abort, gone := s.ln, s.conn, s.abort, s.gone
	s.mu.Unlock()
	if abort != nil {
		abort() // a merged connect in progress ends with the socket
	}
	if ln == nil && conn == nil {
		if s.tr.Sink != nil {
			why := "no socket was made yet (socket() merged with a later step)"
			if gone {
				why = "Go's net package already closed the socket when the merged call failed"
			}
			s.note(event.OpClose, args, "close("+args+"): no call on Windows: "+why)
		}
		return nil
	}
	cl.attempt()
	var err error
	if ln != nil {
		err = ln.Close()
	} else {
		err = conn.Close()
	}
	s.doneFD(&cl, fd, 0, err, nil, "")
	return wrap("close", netip.AddrPort{}, err)
}

// KernelState is State (the handle stays valid while net holds it).
func (s *Socket) KernelState() event.TCPState { return s.State() }

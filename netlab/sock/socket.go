package sock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// sockCore is what a Socket is on every platform: who owns it, what it is,
// the addresses the kernel reported, and its counters. Each platform's
// Socket embeds it and adds the handle and the system calls (socket_unix.go
// over raw fds, socket_windows.go over Go's net package); the calls report
// through the shared recorder in call.go.
type sockCore struct {
	tr       Tracer
	fam      Family
	typ      Type
	role     event.Role // RoleConn when made by accept, the tracer's role otherwise
	accepted bool       // made by accept

	mu     sync.Mutex
	local  netip.AddrPort
	remote netip.AddrPort
	arena  []byte // the block payload copies are made in (copyData), under mu
	// lineWho is the Who of the socket's line records in line mode, made
	// again when the addresses change; under mu.
	lineWho *event.LineWho

	closed   atomic.Bool
	bytesIn  atomic.Uint64
	bytesOut atomic.Uint64
	// statePaid is the moment, in nanoseconds since paceEpoch, up to
	// which the socket's paced state reads are paid (Tracer.StatePace).
	statePaid atomic.Int64
	// lastRecv is the text of the socket's last recv (recvCallText).
	lastRecv atomic.Pointer[recvText]
}

// Family and Type return what the socket was opened with.
func (s *sockCore) Family() Family { return s.fam }
func (s *sockCore) Type() Type     { return s.typ }

// Actor returns the name of the actor that owns the socket.
func (s *sockCore) Actor() string { return s.tr.Actor }

// Role is what the socket is in the conversation (RoleConn when accept made it).
func (s *sockCore) Role() event.Role { return s.role }

// LocalAddr returns the address getsockname last reported.
func (s *sockCore) LocalAddr() netip.AddrPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.local
}

// RemoteAddr returns the address getpeername (or accept/recvfrom) reported.
func (s *sockCore) RemoteAddr() netip.AddrPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.remote
}

// addrs returns both addresses under one lock: every traced call's event
// carries them.
func (s *sockCore) addrs() (local, remote netip.AddrPort) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.local, s.remote
}

func (s *sockCore) setRemote(a netip.AddrPort) {
	s.mu.Lock()
	s.remote = a
	s.mu.Unlock()
}

// BytesIn and BytesOut count what recv and send moved on this socket.
func (s *sockCore) BytesIn() uint64  { return s.bytesIn.Load() }
func (s *sockCore) BytesOut() uint64 { return s.bytesOut.Load() }

// Closed reports whether Close has been called.
func (s *sockCore) Closed() bool { return s.closed.Load() }

func (s *sockCore) traced() bool { return s.tr.traced() }

// finish emits the returned event of c: what the kernel said, with the
// addresses, data and the state (and counters) read after the call.
func (s *sockCore) finish(c *call, result int, err error, data []byte, note string, st event.TCPState, segs event.Segs) {
	if c.lines {
		s.finishLine(c, result, err, data, note, st)
		return
	}
	e := c.event(result, err)
	s.mu.Lock() // the addresses and the payload's block
	e.Local, e.Remote = s.local, s.remote
	if len(data) > 0 {
		e.Data = s.copyData(data[:min(len(data), event.DataCap)])
	}
	s.mu.Unlock()
	e.Note, e.State, e.Segs = note, st, segs
	if st != event.StateNone {
		e.StateAt = c.stateAt
	}
	s.tr.emitRef(&e)
}

// finishLine is finish in line mode: the returned call's line record,
// built without an Event (the segment counters are in no line).
func (s *sockCore) finishLine(c *call, result int, err error, data []byte, note string, st event.TCPState) {
	r := event.LineRec{Kind: event.KindCall, Op: c.op, FD: c.fd, Result: result, Size: c.args.Size,
		Text: c.text, TextLater: c.textLater, State: st}
	var errText string
	if err != nil {
		r.Result = -1
		r.Errno = event.ErrnoOf(err)
		errText = nonErrno(err)
	}
	if note != "" || errText != "" {
		r.More = &event.LineMore{Note: note, Err: errText} // rare: made only then
	}
	s.mu.Lock() // the addresses and the payload's block
	if w := s.lineWho; w == nil || w.Local != s.local || w.Remote != s.remote || w.Actor != c.tr.Actor {
		s.lineWho = &event.LineWho{Actor: c.tr.Actor, Local: s.local, Remote: s.remote}
	}
	r.Who = s.lineWho
	if len(data) > 0 {
		r.Data = s.copyData(data[:min(len(data), event.DataCap)])
	}
	s.mu.Unlock()
	ret := c.ret
	if ret.IsZero() {
		ret = c.now()
	}
	c.put(&r, c.moment(ret))
}

// finishAccept emits accept's returned event: the new socket's addresses
// and state beside the listener's (still LISTEN).
func (s *Socket) finishAccept(c *call, ns *Socket, result int) {
	if s.tr.Sink == nil {
		return
	}
	c.hold() // before the return's moment is read
	e := c.event(result, nil)
	e.Local, e.Remote, e.State, e.NewState = ns.LocalAddr(), ns.RemoteAddr(), s.stateNow(), ns.stateNow()
	e.StateAt = time.Now()
	c.emit(&e)
}

// finishDatagram emits a sendto's or recvfrom's returned event: the peer is
// the datagram's, not the socket's.
func (s *sockCore) finishDatagram(c *call, n int, err error, peer netip.AddrPort, data []byte, note string) {
	if s.tr.Sink == nil {
		return
	}
	c.hold() // before the return's moment is read
	e := c.event(n, err)
	e.Local, e.Remote, e.Note = s.LocalAddr(), peer, note
	e.Data = append([]byte(nil), data[:min(max(n, 0), len(data), event.DataCap)]...)
	c.emit(&e)
}

// How says which direction shutdown closes. The values are those of
// SHUT_RD, SHUT_WR and SHUT_RDWR (SD_RECEIVE, SD_SEND, SD_BOTH on Windows),
// the same on every platform socklab builds for.
type How int

const (
	ShutRead  How = 0
	ShutWrite How = 1
	ShutBoth  How = 2
)

func (h How) String() string {
	switch h {
	case ShutRead:
		return "SHUT_RD"
	case ShutWrite:
		return "SHUT_WR"
	}
	return "SHUT_RDWR"
}

// SendAll repeats send until every byte is taken, as Python's sendall does.
func (s *Socket) SendAll(ctx context.Context, p []byte) error {
	for len(p) > 0 {
		n, err := s.Send(ctx, p)
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

// Recv makes one recv call for at most max bytes. An empty result with a
// nil error is end of stream: the peer closed (or shut down) its side.
func (s *Socket) Recv(ctx context.Context, max int) ([]byte, error) {
	if err := checkRecvSize("recv", max); err != nil {
		return nil, err
	}
	buf := make([]byte, max)
	n, err := s.RecvInto(ctx, buf)
	return buf[:n], err
}

// MaxRecv bounds the buffer one Recv or RecvFrom allocates: the size is the
// caller's (a lesson file's), and the buffer is made before the kernel is
// asked, so an unbounded size would be an allocation failure, not a call.
const MaxRecv = 1 << 20

// ErrRecvSize is returned, before any call is made, for a receive size
// below 0 or above MaxRecv.
var ErrRecvSize = errors.New("receive size out of range")

func checkRecvSize(call string, max int) error {
	if max < 0 || max > MaxRecv {
		return fmt.Errorf("%s(%d): %w (socklab reads 0 to %d bytes per call)", call, max, ErrRecvSize, MaxRecv)
	}
	return nil
}

// nonErrno describes an error that carries no kernel errno (a timeout of
// socklab's own, a cancelled context), or returns "".
func nonErrno(err error) string {
	if err == nil || event.ErrnoOf(err) != 0 {
		return ""
	}
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out (socklab's timer, not the kernel)"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, os.ErrClosed), errors.Is(err, net.ErrClosed), strings.Contains(err.Error(), "use of closed"):
		return "socket closed while the call waited"
	}
	return err.Error()
}

// addrPortOf reads the address of a kernel's sockaddr_in or sockaddr_in6
// (an IPv4-mapped IPv6 address is shown as the IPv4 address it maps).
func addrPortOf(ip []byte, port int) netip.AddrPort {
	a, _ := netip.AddrFromSlice(ip)
	return netip.AddrPortFrom(a.Unmap(), uint16(port))
}

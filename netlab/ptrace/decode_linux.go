//go:build linux && (amd64 || arm64)

package ptrace

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
)

// pending is one call between its entry stop and its exit stop.
type pending struct {
	op   event.Op
	sys  string // the system call's name when it is not op's ("write", "accept4")
	fd   int
	role event.Role
	text string
	args event.Args
	a    [6]uint64 // the entry's arguments (arm64 overwrites x0 with the result)
	data []byte    // bytes offered, read at the entry (sends)
	note string

	local, remote netip.AddrPort // the socket's at the entry (close)
	state         event.TCPState
	willWait      bool // nothing to take when it entered, on a blocking fd

	x    *sock.ExternalCall
	wait bool // a call the kernel made wait, tried again
}

func (c *pending) name() string {
	if c.sys != "" {
		return c.sys
	}
	return c.op.String()
}

// base is an event carrying what the kernel said about the socket at the
// entry, for a blocked event.
func (c *pending) base() event.Event {
	return event.Event{Local: c.local, Remote: c.remote, State: c.state, Syscall: c.sys, Note: c.note}
}

func (p *Program) roleOf(pr *proc, fd int) event.Role {
	if r, ok := pr.roles[fd]; ok {
		return r
	}
	return p.cfg.Role
}

// copyFD copies the program's fd into socklab (pidfd_getfd), or -1. The
// copy must be closed before the program runs on.
func copyFD(pr *proc, fd int) int {
	if pr.pidfd < 0 || fd < 0 {
		return -1
	}
	d, err := unix.PidfdGetfd(pr.pidfd, fd, 0)
	if err != nil {
		return -1
	}
	return d
}

// inet reports whether fd (socklab's copy) is an IPv4 or IPv6 socket.
func inet(fd int) bool {
	dom, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN)
	return err == nil && (dom == unix.AF_INET || dom == unix.AF_INET6)
}

// sockState reads what the kernel says about the program's fd now.
func sockState(pr *proc, fd int) (local, remote netip.AddrPort, st event.TCPState, segs event.Segs, ok bool) {
	d := copyFD(pr, fd)
	if d < 0 {
		return
	}
	defer unix.Close(d)
	if !inet(d) {
		return
	}
	local, remote, st, segs = sock.FDState(d)
	return local, remote, st, segs, true
}

func readMem(tid int, addr uint64, n int) []byte {
	if addr == 0 || n <= 0 {
		return nil
	}
	b := make([]byte, n)
	iov := unix.Iovec{Base: &b[0]}
	iov.SetLen(n)
	got, err := unix.ProcessVMReadv(tid, []unix.Iovec{iov}, []unix.RemoteIovec{{Base: uintptr(addr), Len: n}}, 0)
	if err != nil {
		return nil
	}
	return b[:got]
}

// readSockaddr decodes a struct sockaddr_in/sockaddr_in6 of the program.
func readSockaddr(tid int, addr, size uint64) (netip.AddrPort, string) {
	b := readMem(tid, addr, int(min(size, 128)))
	if len(b) < 2 {
		return netip.AddrPort{}, "NULL"
	}
	fam := binary.LittleEndian.Uint16(b)
	switch {
	case fam == unix.AF_INET && len(b) >= 8:
		a := netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), binary.BigEndian.Uint16(b[2:4]))
		return a, a.String()
	case fam == unix.AF_INET6 && len(b) >= 24:
		a := netip.AddrPortFrom(netip.AddrFrom16([16]byte(b[8:24])), binary.BigEndian.Uint16(b[2:4]))
		return a, a.String()
	}
	return netip.AddrPort{}, "{sa_family=" + strconv.Itoa(int(fam)) + "}"
}

// readIov gathers up to limit bytes from a struct iovec array.
func readIov(tid int, iov, count uint64, limit int) []byte {
	count = min(count, 64)
	raw := readMem(tid, iov, int(count*16))
	var out []byte
	for i := 0; i+16 <= len(raw) && len(out) < limit; i += 16 {
		base := binary.LittleEndian.Uint64(raw[i:])
		n := binary.LittleEndian.Uint64(raw[i+8:])
		out = append(out, readMem(tid, base, int(min(n, uint64(limit-len(out)))))...)
	}
	return out
}

// msghdr is the part of struct msghdr the tracer reads.
type msghdr struct{ name, namelen, iov, iovlen uint64 }

func readMsghdr(tid int, addr uint64) (msghdr, bool) {
	b := readMem(tid, addr, 32)
	if len(b) < 32 {
		return msghdr{}, false
	}
	le := binary.LittleEndian
	return msghdr{le.Uint64(b), uint64(le.Uint32(b[8:])), le.Uint64(b[16:]), le.Uint64(b[24:])}, true
}

func quote(p []byte, _ uint64) string { return event.Quote(p, 24) }

func fdText(fd int) string { return strconv.Itoa(fd) }

// decodeEntry turns a seccomp stop into the call it is, or nil when it is
// nothing socklab shows (a read of a file, a Unix socket, a poll on no
// socket).
func (p *Program) decodeEntry(t *thread, r regs) *pending {
	name := sysNames[r.nr]
	a := r.args
	fd := int(int32(a[0]))
	c := &pending{a: a, fd: fd, role: p.roleOf(t.proc, fd)}
	switch name {
	case "":
		return nil
	case "socket":
		return p.decodeSocket(c)
	case "poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait", "epoll_pwait2":
		return p.decodeWait(t, c, name)
	}
	decode := fdDecoders[name]
	if decode == nil {
		return nil
	}
	// Every other call is made on an fd: only IP sockets are shown.
	d := copyFD(t.proc, fd)
	if d < 0 {
		return nil
	}
	defer unix.Close(d)
	if !inet(d) {
		return nil
	}
	c.local, c.remote, c.state, _ = sock.FDState(d)
	fl, _ := unix.FcntlInt(uintptr(d), unix.F_GETFL, 0)
	decode(t, c, fdCall{name: name, f: fdText(fd), tid: t.tid, d: d, nonblock: fl&unix.O_NONBLOCK != 0})
	return c
}

// decodeSocket shows socket() for IP domains only.
func (p *Program) decodeSocket(c *pending) *pending {
	a := c.a
	dom := int(a[0])
	if dom != unix.AF_INET && dom != unix.AF_INET6 {
		return nil
	}
	c.op, c.fd, c.role = event.OpSocket, -1, p.cfg.Role
	c.text = domainName(dom) + ", " + typeName(int(a[1])) + ", " + strconv.Itoa(int(a[2]))
	return c
}

// decodeWait summarises poll, select and epoll_wait as "waits for fds…".
func (p *Program) decodeWait(t *thread, c *pending, name string) *pending {
	a := c.a
	c.op, c.sys, c.fd, c.role = event.OpWait, name, -1, p.cfg.Role
	switch name {
	case "poll", "ppoll":
		n := min(a[1], 64)
		raw := readMem(t.tid, a[0], int(n*8))
		var socks []string
		for i := 0; i+8 <= len(raw); i += 8 {
			fd := int(int32(binary.LittleEndian.Uint32(raw[i:])))
			if _, _, _, _, ok := sockState(t.proc, fd); ok {
				socks = append(socks, strconv.Itoa(fd))
			}
		}
		if len(socks) == 0 {
			return nil
		}
		timeout := "…"
		if name == "poll" {
			timeout = strconv.Itoa(int(int32(a[2])))
		}
		c.text = "[" + strings.Join(socks, ", ") + "], " + strconv.FormatUint(a[1], 10) + ", " + timeout
		c.note = "waits for fds " + strings.Join(socks, ", ")
	case "select", "pselect6":
		nfds := int(min(a[0], 1024))
		bits := readMem(t.tid, a[1], (nfds+7)/8)
		var socks []string
		for fd := 0; fd < nfds && fd/8 < len(bits); fd++ {
			if bits[fd/8]&(1<<(fd%8)) != 0 {
				if _, _, _, _, ok := sockState(t.proc, fd); ok {
					socks = append(socks, strconv.Itoa(fd))
				}
			}
		}
		if len(socks) == 0 {
			return nil
		}
		c.text = strconv.Itoa(nfds) + ", [" + strings.Join(socks, " ") + "], …"
		c.note = "waits for fds " + strings.Join(socks, ", ")
	default: // epoll: the fds are in the kernel's epoll set, not in the call
		c.fd = int(int32(a[0]))
		c.text = strconv.Itoa(c.fd) + ", " + strconv.FormatUint(a[2], 10) + ", "
		if name == "epoll_pwait2" {
			c.text += "…"
		} else {
			c.text += strconv.Itoa(int(int32(a[3])))
		}
		c.note = "waits for the fds registered with epoll fd " + strconv.Itoa(c.fd)
	}
	return c
}

// begin numbers the call and waits at the gate (step mode). It returns
// false when the call is not to be reported (the gate was cancelled).
func (p *Program) begin(t *thread, c *pending) bool {
	key := waitKey{c.fd, c.op}
	if x := t.proc.waits[key]; x != nil && canWait(c.op) {
		c.x, c.wait = x, true
		x.Retry()
		return true
	}
	x, err := p.tracer(c.role).BeginExternal(p.ctx, c.op, c.fd, c.text, c.args)
	if err != nil {
		return false
	}
	c.x = x
	if c.willWait {
		x.Blocked(c.base())
	}
	return true
}

// canWait: the calls a non-blocking program retries after EAGAIN.
func canWait(op event.Op) bool {
	switch op {
	case event.OpAccept, event.OpRecv, event.OpRecvfrom, event.OpSend, event.OpSendto:
		return true
	}
	return false
}

// finish reports the call's return from the registers of its exit stop.
func (p *Program) finish(t *thread, c *pending, r regs) {
	res, errno := r.result()
	pr := t.proc
	key := waitKey{c.fd, c.op}
	if errno == unix.EAGAIN && canWait(c.op) {
		// Not a stream of EAGAIN: the first makes the call blocked, the
		// rest only give the hold back; the call returns when one succeeds.
		pr.waits[key] = c.x
		c.x.Blocked(c.base())
		return
	}
	if c.wait {
		delete(pr.waits, key)
	}
	if restartCode(errno) {
		// Not a result: the kernel's own "restart" codes never reach the
		// program, and which way it goes is only known later.
		c.x.Abandon()
		p.tracer(c.role).Note(c.name() + "(" + c.text + ") was interrupted by a signal: the kernel restarts it, or returns EINTR to the program, or the signal ends the program")
		return
	}
	e := event.Event{Syscall: c.sys, Note: c.note}
	p.exitState(pr, c, res, &e)
	if c.op == event.OpListen && res == 0 && p.cfg.OnListen != nil && e.Local.IsValid() {
		p.cfg.OnListen(e.Local)
	}
	e.Data = exitData(t.tid, c, res)
	c.x.Return(res, errno, e)
}

// exitState fills in the socket's addresses and state after the call.
// The state is read here, at the exit stop, after the call returned: a
// segment that arrived in between (the peer's FIN) may already be in it.
// StateAt, read once the kernel has answered, lets a trace draw the state
// below every segment captured before it. Read before asking, it let a
// FIN that came while the tracer waited to ask (descheduled on a busy
// machine) be drawn below a CLOSE_WAIT it had caused.
func (p *Program) exitState(pr *proc, c *pending, res int, e *event.Event) {
	if p.cfg.beforeStateRead != nil && c.op != event.OpWait {
		p.cfg.beforeStateRead(c.op)
	}
	switch c.op {
	case event.OpSocket:
		if res >= 0 {
			pr.roles[res] = c.role
			e.Local, e.Remote, e.State, e.Segs, _ = sockState(pr, res)
			e.StateAt = time.Now()
		}
	case event.OpAccept:
		if res >= 0 {
			pr.roles[res] = event.RoleConn
			e.Local, e.Remote, e.NewState, e.Segs, _ = sockState(pr, res)
		}
		_, _, e.State, _, _ = sockState(pr, c.fd)
		e.StateAt = time.Now()
	case event.OpClose:
		closeState(pr, c, res, e)
	case event.OpWait:
	default:
		e.Local, e.Remote, e.State, e.Segs, _ = sockState(pr, c.fd)
		e.StateAt = time.Now()
	}
}

// closeState: after a close the fd is gone, so the socket is found by
// its addresses from the entry.
func closeState(pr *proc, c *pending, res int, e *event.Event) {
	e.Local, e.Remote = c.local, c.remote
	if res != 0 {
		e.State = c.state // read at the entry stop; no StateAt: it is not moved
		return
	}
	delete(pr.roles, c.fd)
	if c.remote.IsValid() {
		e.State = sock.StateByTuple(c.local, c.remote)
		e.StateAt = time.Now()
	}
}

// exitData is the bytes a send took or a recv returned: a send's from
// its entry, a recv's read now that the result says how many.
func exitData(tid int, c *pending, res int) []byte {
	if res <= 0 {
		return nil
	}
	switch c.op {
	case event.OpSend, event.OpSendto:
		if c.sys == "sendmmsg" {
			return c.data
		}
		return c.data[:min(res, len(c.data))]
	case event.OpRecv, event.OpRecvfrom:
		n := min(res, event.DataCap)
		switch c.sys {
		case "readv":
			return readIov(tid, c.a[1], c.a[2], n)
		case "recvmsg", "recvmmsg":
			if m, ok := readMsghdr(tid, c.a[1]); ok {
				return readIov(tid, m.iov, m.iovlen, n)
			}
			return nil
		}
		return readMem(tid, c.a[1], n)
	}
	return nil
}

// restartCode reports the kernel-internal codes a call interrupted by a
// signal has at its exit stop (ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND,
// ERESTART_RESTARTBLOCK): a tracer sees them, the program never does.
func restartCode(e unix.Errno) bool {
	switch e {
	case 512, 513, 514, 516:
		return true
	}
	return false
}

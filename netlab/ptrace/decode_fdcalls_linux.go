package ptrace

import (
	"encoding/binary"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/socklab/socklab/netlab/event"
)

// fdCall is what a decoder of a call on an IP socket reads besides the
// registers: the call's name, its fd as text, the thread whose memory
// holds the arguments, and socklab's copy of the socket.
type fdCall struct {
	name     string
	f        string
	tid      int
	d        int  // socklab's duplicate of the program's socket
	nonblock bool // O_NONBLOCK on the socket at the entry
}

// willWait says a read or accept on the socket will block: it is blocking
// (nor asked not to, dontwait) and nothing is there to take.
func (fc fdCall) willWait(dontwait bool) bool {
	if fc.nonblock || dontwait {
		return false
	}
	pfd := []unix.PollFd{{Fd: int32(fc.d), Events: unix.POLLIN}}
	n, err := unix.Poll(pfd, 0)
	return !(err != nil || n > 0)
}

// fdDecoders maps each call made on an fd that socklab shows to the
// function that fills in its op, arguments and text. A call not in it is
// not shown.
var fdDecoders = map[string]func(t *thread, c *pending, fc fdCall){
	"bind":        decodeAddrCall,
	"connect":     decodeAddrCall,
	"listen":      decodeListen,
	"accept":      decodeAccept,
	"accept4":     decodeAccept,
	"sendto":      decodeSendto,
	"write":       decodeWrite,
	"writev":      decodeWritev,
	"sendmsg":     decodeSendmsg,
	"sendmmsg":    decodeSendmsg,
	"recvfrom":    decodeRecvfrom,
	"read":        decodeRead,
	"readv":       decodeRecvIov,
	"recvmsg":     decodeRecvIov,
	"recvmmsg":    decodeRecvIov,
	"shutdown":    decodeShutdown,
	"close":       decodeClose,
	"setsockopt":  decodeSetsockopt,
	"getsockname": decodeSockname,
	"getpeername": decodeSockname,
}

// decodeAddrCall: bind and connect; connect makes the fd a client's.
func decodeAddrCall(t *thread, c *pending, fc fdCall) {
	c.op = event.OpBind
	if fc.name == "connect" {
		c.op = event.OpConnect
		c.role = event.RoleClient
		t.proc.roles[c.fd] = event.RoleClient
	}
	addr, text := readSockaddr(fc.tid, c.a[1], c.a[2])
	c.args.Addr = addr
	c.text = fc.f + ", " + text
}

// decodeListen makes the fd a server's.
func decodeListen(t *thread, c *pending, fc fdCall) {
	c.op = event.OpListen
	c.role = event.RoleServer
	t.proc.roles[c.fd] = event.RoleServer
	c.args.Backlog = int(int32(c.a[1]))
	c.text = fc.f + ", " + strconv.Itoa(c.args.Backlog)
}

func decodeAccept(_ *thread, c *pending, fc fdCall) {
	c.op = event.OpAccept
	c.text = fc.f
	if fc.name == "accept4" {
		c.sys = fc.name
		if fl := sockFlags(int(c.a[3])); fl != "" {
			c.text += ", " + fl
		}
	}
	c.willWait = fc.willWait(false)
}

// decodeSendto is a send, or a sendto when it names an address.
func decodeSendto(_ *thread, c *pending, fc fdCall) {
	a := c.a
	c.op, c.sys = event.OpSend, fc.name
	c.data = readMem(fc.tid, a[1], int(min(a[2], event.DataCap)))
	c.args.Size = int(a[2])
	c.text = fc.f + ", " + quote(c.data, a[2]) + ", " + strconv.FormatUint(a[2], 10) + ", " + msgFlags(int(a[3]))
	if a[4] == 0 {
		c.text += ", NULL, 0"
		return
	}
	addr, text := readSockaddr(fc.tid, a[4], a[5])
	c.op, c.sys, c.args.Addr = event.OpSendto, "", addr
	c.text += ", " + text
}

func decodeWrite(_ *thread, c *pending, fc fdCall) {
	a := c.a
	c.op, c.sys = event.OpSend, fc.name
	c.data = readMem(fc.tid, a[1], int(min(a[2], event.DataCap)))
	c.args.Size = int(a[2])
	c.text = fc.f + ", " + quote(c.data, a[2]) + ", " + strconv.FormatUint(a[2], 10)
}

func decodeWritev(_ *thread, c *pending, fc fdCall) {
	a := c.a
	c.op, c.sys = event.OpSend, fc.name
	c.data = readIov(fc.tid, a[1], a[2], event.DataCap)
	c.text = fc.f + ", [" + quote(c.data, 0) + "], " + strconv.FormatUint(a[2], 10)
}

// decodeSendmsg: sendmsg and sendmmsg, whose data and address are behind
// a msghdr.
func decodeSendmsg(_ *thread, c *pending, fc fdCall) {
	a := c.a
	c.op, c.sys = event.OpSend, fc.name
	if m, ok := readMsghdr(fc.tid, a[1]); ok {
		c.data = readIov(fc.tid, m.iov, m.iovlen, event.DataCap)
		if m.name != 0 {
			addr, _ := readSockaddr(fc.tid, m.name, m.namelen)
			c.args.Addr = addr
		}
	}
	c.text = fc.f + ", {" + quote(c.data, 0) + "}, "
	if fc.name == "sendmmsg" {
		c.text += strconv.FormatUint(a[2], 10) + ", " + msgFlags(int(a[3]))
	} else {
		c.text += msgFlags(int(a[2]))
	}
}

// decodeRecvfrom is a recv, or a recvfrom when it asks for the address.
func decodeRecvfrom(_ *thread, c *pending, fc fdCall) {
	a := c.a
	c.op, c.sys = event.OpRecv, fc.name
	c.args.Size = int(a[2])
	c.text = fc.f + ", " + strconv.FormatUint(a[2], 10) + ", " + msgFlags(int(a[3]))
	if a[4] != 0 {
		c.op, c.sys = event.OpRecvfrom, ""
	}
	c.willWait = fc.willWait(a[3]&unix.MSG_DONTWAIT != 0)
}

func decodeRead(_ *thread, c *pending, fc fdCall) {
	c.op, c.sys = event.OpRecv, fc.name
	c.args.Size = int(c.a[2])
	c.text = fc.f + ", " + strconv.FormatUint(c.a[2], 10)
	c.willWait = fc.willWait(false)
}

// decodeRecvIov: readv, recvmsg and recvmmsg, whose buffers are read only
// at the exit, when their lengths are known.
func decodeRecvIov(_ *thread, c *pending, fc fdCall) {
	c.op, c.sys = event.OpRecv, fc.name
	c.text = fc.f + ", …"
	c.willWait = fc.willWait(false)
}

func decodeShutdown(_ *thread, c *pending, fc fdCall) {
	c.op = event.OpShutdown
	c.args.Option = shutHow(int(c.a[1]))
	c.text = fc.f + ", " + c.args.Option
}

func decodeClose(_ *thread, c *pending, fc fdCall) {
	c.op = event.OpClose
	c.text = fc.f
}

// decodeSetsockopt reads the value when it is an int.
func decodeSetsockopt(_ *thread, c *pending, fc fdCall) {
	a := c.a
	c.op = event.OpSetsockopt
	level, opt := sockoptName(int(a[1]), int(a[2]))
	c.args.Option = opt
	val := "…"
	if a[4] == 4 {
		if b := readMem(fc.tid, a[3], 4); len(b) == 4 {
			c.args.Value = int(int32(binary.LittleEndian.Uint32(b)))
			val = strconv.Itoa(c.args.Value)
		}
	}
	c.text = fc.f + ", " + level + ", " + opt + ", " + val
}

// decodeSockname: getsockname, and getpeername, which asks for the other
// end's address: each is drawn by its own name.
func decodeSockname(_ *thread, c *pending, fc fdCall) {
	c.op = event.OpGetsockname
	if fc.name == "getpeername" {
		c.op = event.OpGetpeername
	}
	c.text = fc.f
}

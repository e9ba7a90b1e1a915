package event

import "fmt"

// Op is what an event is about: a socket call (for KindCall, KindPending and
// KindBlocked), a state read, or a change in the lab itself (KindLab).
// Code above netlab switches on Op; it never parses an event's text.
type Op uint8

// Socket calls, in the order a program usually makes them.
const (
	OpNone Op = iota
	OpSocket
	OpSetsockopt
	OpBind
	OpListen
	OpAccept
	OpConnect
	OpSend
	OpRecv
	OpSendto
	OpRecvfrom
	OpShutdown
	OpClose

	// State reads: the source the kernel answered through.
	OpTCPInfo     // getsockopt(fd, IPPROTO_TCP, TCP_INFO) on an open fd
	OpSockDiag    // a sock_diag netlink lookup by 4-tuple, after close
	OpProcNetTCP  // /proc/net/tcp, when sock_diag is not available
	OpGetsockname // getsockname(fd)
	OpGetpeername // getpeername(fd): the other end's address, a call of its own
	OpSysctl      // a kernel setting read from /proc/sys

	// Changes of the lab (KindLab): never kernel facts.
	OpActorStart // an actor (a client) was started
	OpActorEnd   // an actor ended; Note says why
	OpStepMode   // step mode switched on (Result 1) or off (Result 0)
	OpWire       // the lab's capture: on (Result 1) or off (Result 0, Note says why)

	// OpWait is a traced program waiting for fds (poll, select,
	// epoll_wait; Event.Syscall says which): a call, but one that moves
	// nothing and takes nothing, so it neither holds nor is held.
	OpWait
)

var opNames = [...]string{
	OpNone:        "",
	OpSocket:      "socket",
	OpSetsockopt:  "setsockopt",
	OpBind:        "bind",
	OpListen:      "listen",
	OpAccept:      "accept",
	OpConnect:     "connect",
	OpSend:        "send",
	OpRecv:        "recv",
	OpSendto:      "sendto",
	OpRecvfrom:    "recvfrom",
	OpShutdown:    "shutdown",
	OpClose:       "close",
	OpTCPInfo:     "getsockopt",
	OpSockDiag:    "sock_diag",
	OpProcNetTCP:  "read",
	OpGetsockname: "getsockname",
	OpGetpeername: "getpeername",
	OpSysctl:      "read",
	OpActorStart:  "actor-start",
	OpActorEnd:    "actor-end",
	OpStepMode:    "step-mode",
	OpWire:        "wire",
	OpWait:        "wait",
}

// String returns the name of the system call (or lab change) as a C
// programmer writes it: "accept", "recvfrom", "getsockopt".
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// Key is the stable identifier of the op in JSON traces and lesson rules;
// unlike String it tells the state reads apart ("tcp_info", "sysctl").
func (o Op) Key() string {
	switch o {
	case OpTCPInfo:
		return "tcp_info"
	case OpProcNetTCP:
		return "proc_net_tcp"
	case OpSysctl:
		return "sysctl"
	}
	return o.String()
}

// OpByKey is the inverse of Key; ok is false for an unknown key.
func OpByKey(key string) (Op, bool) {
	for o := OpSocket; o <= OpWait; o++ {
		if o.Key() == key {
			return o, true
		}
	}
	return OpNone, false
}

// IsCall reports whether o is one of the socket calls a program makes.
func (o Op) IsCall() bool { return o >= OpSocket && o <= OpClose }

// IsStateRead reports whether o asks the kernel about a socket or a setting
// without changing anything.
func (o Op) IsStateRead() bool { return o >= OpTCPInfo && o <= OpSysctl }

// Takes reports whether the call's effect is taking something the peer or
// the kernel put there (a queued connection, bytes, a datagram): such a call
// is placed at the moment it returned. Every other call is placed at the
// moment it entered the kernel, when it put something in motion. See the
// package doc on order.
func (o Op) Takes() bool { return o == OpAccept || o == OpRecv || o == OpRecvfrom }

// Moves reports whether the call may take a while inside the kernel after
// it started something (a SYN sent by a connect still waiting, bytes not all
// taken by a send), so its moment must be held open while it runs.
func (o Op) Moves() bool { return o.IsCall() && !o.Takes() }

// Role is what an actor's socket is in the conversation. The ladder draws
// RoleClient on the client lifeline and RoleServer and RoleConn on the
// server's; lessons declare roles, nobody infers them from names.
type Role uint8

const (
	RoleLab    Role = iota // the lab itself (notes, lab changes)
	RoleServer             // a server: its listening socket and its own setup calls
	RoleClient             // a client
	RoleConn               // a connection a server accepted
)

var roleNames = [...]string{RoleLab: "lab", RoleServer: "server", RoleClient: "client", RoleConn: "conn"}

func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return fmt.Sprintf("role(%d)", uint8(r))
}

// ServerSide reports whether the role draws on the server's lifeline.
func (r Role) ServerSide() bool { return r == RoleServer || r == RoleConn }

// CallID names one call across its pending, blocked and returned events. It
// is assigned when the call is made, before the step gate, and is unique
// within the Sequencer (the lab, or the trace) that assigned it. 0 means no
// call (notes, lab changes) or an untraced call.
type CallID uint64

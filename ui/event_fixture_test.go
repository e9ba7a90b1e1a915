package ui

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/socklab/socklab/netlab"
)

// fixtureCall builds a returned call event for goldens and tests the way
// netlab would report it: the op and structured arguments read from the C
// text a test writes ("4, 127.0.0.1:1081"), the role from the actor (an
// accepted connection's fd draws on the server side like the server).
func fixtureCall(at time.Time, actor, op, text string, fd, res int, l, r netip.AddrPort, st netlab.TCPState) netlab.Event {
	o, ok := netlab.OpByKey(op)
	if !ok {
		panic("fixture: unknown op " + op)
	}
	e := netlab.Event{Kind: netlab.KindCall, Op: o, Role: fixtureRole(actor), Actor: actor, Text: text, FD: fd,
		Result: res, Local: l, Remote: r, State: st, Enter: at, Return: at, At: at}
	parts := strings.Split(text, ", ")
	switch o {
	case netlab.OpBind, netlab.OpConnect:
		e.Args.Addr = netip.MustParseAddrPort(parts[1])
	case netlab.OpListen:
		e.Args.Backlog, _ = strconv.Atoi(parts[1])
	case netlab.OpRecv, netlab.OpRecvfrom:
		e.Args.Size, _ = strconv.Atoi(parts[1])
	}
	return e
}

func fixtureRole(actor string) netlab.Role {
	if strings.HasPrefix(actor, "client") {
		return netlab.RoleClient
	}
	return netlab.RoleServer
}

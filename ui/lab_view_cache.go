package ui

import (
	"net/netip"

	"github.com/socklab/socklab/netlab"
)

// labViewCache keeps the lab pane's parts that only change with the
// history or a snapshot (the transcript, the socket tables), so a frame
// that brings neither redraws neither. Each part is kept under everything
// it is drawn from.
type labViewCache struct {
	st *Styles

	transKey   transcriptKey
	transLines []string
	transOK    bool

	socks map[sockKey][]string
}

type historyID struct {
	first  *netlab.Event
	n      int
	lo, hi uint64
}

func idOf(events []netlab.Event) historyID {
	if len(events) == 0 {
		return historyID{}
	}
	return historyID{&events[0], len(events), events[0].Seq, events[len(events)-1].Seq}
}

type transcriptKey struct {
	h              historyID
	height, scroll int
	service        string
	remote         netip.AddrPort
}

type sockKey struct {
	first *netlab.SockInfo
	n     int
	width int
	table sockTable
}

// sockTable names the socket tables the lab pane draws.
type sockTable int

const (
	serverTable sockTable = iota
	clientTable
)

// styles drops everything drawn with other styles.
func (c *labViewCache) styles(st *Styles) {
	if c.st != st {
		*c = labViewCache{st: st}
	}
}

func (c *labViewCache) transcript(k transcriptKey, draw func() []string) []string {
	if !c.transOK || c.transKey != k {
		c.transLines, c.transKey, c.transOK = draw(), k, true
	}
	return c.transLines
}

// sockets is a socket table's lines; only the latest snapshot's are kept.
func (c *labViewCache) sockets(socks []netlab.SockInfo, width int, table sockTable, draw func() []string) []string {
	k := sockKey{n: len(socks), width: width, table: table}
	if len(socks) > 0 {
		k.first = &socks[0]
	}
	if v, ok := c.socks[k]; ok {
		return v
	}
	if c.socks == nil || len(c.socks) > 8 {
		c.socks = map[sockKey][]string{}
	}
	v := draw()
	c.socks[k] = v
	return v
}

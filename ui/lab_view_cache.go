package ui

import (
	"net/netip"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"github.com/socklab/socklab/ui/theme"
)

// labViewCache keeps the lab pane's parts that only change with the
// history or a snapshot (the transcript, the socket tables), so a frame
// that brings neither redraws neither. Each part is kept under everything
// it is drawn from.
type labViewCache struct {
	st *theme.Styles

	transKey   transcriptKey
	transLines []string
	transOK    bool

	socks map[sockKey][]string

	// lines and oldLines are the transcript's styled lines by what they
	// show, for the last two transcripts drawn: a new event redraws the
	// transcript, but most of its lines were on screen already.
	lines, oldLines map[transcriptLineKey]string
}

type transcriptLineKey struct {
	actor, text string
	out         bool
}

// transcriptLine is draw's line for k, kept from the last transcripts.
func (c *labViewCache) transcriptLine(k transcriptLineKey, draw func() string) string {
	if c.lines == nil {
		c.lines, c.oldLines = map[transcriptLineKey]string{}, map[transcriptLineKey]string{}
	}
	if v, ok := c.lines[k]; ok {
		return v
	}
	v, ok := c.oldLines[k]
	if !ok {
		v = draw()
	}
	c.lines[k] = v
	return v
}

// transcriptDone ends a transcript: lines it did not use go.
func (c *labViewCache) transcriptDone() {
	c.lines, c.oldLines = c.oldLines, c.lines
	clear(c.lines)
}

type historyID struct {
	first  *event.Event
	n      int
	lo, hi uint64
}

func idOf(events []event.Event) historyID {
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
	first *sock.SockInfo
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
func (c *labViewCache) styles(st *theme.Styles) {
	if c.st != st {
		*c = labViewCache{st: st}
	}
}

func (c *labViewCache) transcript(k transcriptKey, draw func() []string) []string {
	if !c.transOK || c.transKey != k {
		c.transLines, c.transKey, c.transOK = draw(), k, true
		c.transcriptDone()
	}
	return c.transLines
}

// sockets is a socket table's lines; only the latest snapshot's are kept.
func (c *labViewCache) sockets(socks []sock.SockInfo, width int, table sockTable, draw func() []string) []string {
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

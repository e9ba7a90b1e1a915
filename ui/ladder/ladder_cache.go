package ladder

import (
	"strings"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/ui/theme"
)

// Cache keeps what a ladder drew last frame, so a frame draws only
// the rows that changed: a history row's line depends on its event (never
// changed once in the history), the geometry, the selection and the styles,
// so it is kept under those. Rows not drawn for a frame are let go of at its
// end (two generations), so the cache never outgrows a screen. A nil cache
// draws everything (the lesson pane's small ladders).
//
// It belongs to one pane and one lab: a Seq names an event only within one
// log, so a pane makes a new one for a new feed (see For).
type Cache struct {
	owner any // what the rows' Seqs number within: the pane's feed
	st    *theme.Styles

	// The plan of the last history seen, kept while the history is the
	// same slice with the same ends.
	planKey  planKey
	rows     []ladderLine
	segs     segDeltas
	planOK   bool
	headKey  headKey
	head     string
	emptyKey headKey
	empty    string

	sides, oldSides map[sideKey]sideVal
	lines, oldLines map[rowKey]string
}

type planKey struct {
	first   *event.Event
	n       int
	lo, hi  uint64
	packets bool
}

type headKey struct {
	left, lane int
	remote     bool
	server     string
}

type sideKey struct {
	seq          uint64
	state, moved bool
	level        int
}

type sideVal struct {
	w      int
	client bool
}

// rowGeom is where a ladder's lifelines are.
type rowGeom struct {
	left, lane, right int
	remote            bool
}

type rowKey struct {
	seq          uint64
	state, moved bool
	kind         rowKind
	geom         rowGeom
	hasD         bool
	d            segDelta
}

// For is c when it was made for owner (a pane's feed, by identity),
// else a new cache for it.
func (c *Cache) For(owner any) *Cache {
	if c == nil || c.owner != owner {
		return &Cache{owner: owner}
	}
	return c
}

// begin starts a frame: everything is dropped when the styles changed (a
// theme switch, the terminal's background arriving).
func (c *Cache) begin(st *theme.Styles) *Cache {
	if c == nil {
		return nil
	}
	if c.st != st || c.sides == nil {
		*c = Cache{owner: c.owner, st: st,
			sides: map[sideKey]sideVal{}, oldSides: map[sideKey]sideVal{},
			lines: map[rowKey]string{}, oldLines: map[rowKey]string{}}
	}
	return c
}

// end finishes a frame: what this frame did not use goes.
func (c *Cache) end() {
	if c == nil {
		return
	}
	c.sides, c.oldSides = c.oldSides, c.sides
	clear(c.sides)
	c.lines, c.oldLines = c.oldLines, c.lines
	clear(c.lines)
}

// plan is planLines and, without packets, countSegs for the history.
func (c *Cache) plan(events []event.Event, packets bool) ([]ladderLine, segDeltas) {
	if c == nil {
		return computePlan(events, packets)
	}
	k := planKey{n: len(events), packets: packets}
	if len(events) > 0 {
		k.first, k.lo, k.hi = &events[0], events[0].Seq, events[len(events)-1].Seq
	}
	if !c.planOK || c.planKey != k {
		c.rows, c.segs = computePlan(events, packets)
		c.planKey, c.planOK = k, true
	}
	return c.rows, c.segs
}

func computePlan(events []event.Event, packets bool) ([]ladderLine, segDeltas) {
	rows := planLines(events, packets, ladderDraws(packets))
	segs := segDeltas{}
	if !packets {
		segs = countSegs(events)
	}
	return rows, segs
}

func (c *Cache) side(k sideKey) (int, bool, bool) {
	if c == nil {
		return 0, false, false
	}
	v, ok := c.sides[k]
	if !ok {
		if v, ok = c.oldSides[k]; ok {
			c.sides[k] = v
		}
	}
	return v.w, v.client, ok
}

func (c *Cache) putSide(k sideKey, w int, client bool) {
	if c != nil {
		c.sides[k] = sideVal{w, client}
	}
}

// header is ladderHeader, kept for the last geometry.
func (c *Cache) header(left, lane int, st *theme.Styles, remote bool, server string) string {
	if c == nil {
		return ladderHeader(left, lane, st, remote, server)
	}
	k := headKey{left, lane, remote, server}
	if c.head == "" || c.headKey != k {
		c.head, c.headKey = ladderHeader(left, lane, st, remote, server), k
	}
	return c.head
}

// row is one history row's line.
func (c *Cache) row(events []event.Event, st *theme.Styles, r ladderLine, g rowGeom, selected uint64, segs segDeltas) string {
	e := &events[r.ix]
	k := rowKey{seq: e.Seq, state: r.state, moved: r.moved, geom: g}
	if !r.state && e.Seq == selected {
		k.kind = rowSelected
	}
	d := segs[e.Seq]
	if !r.state && d != nil {
		k.hasD, k.d = true, *d
	}
	if c != nil {
		if s, ok := c.lines[k]; ok {
			return s
		}
		if s, ok := c.oldLines[k]; ok {
			c.lines[k] = s
			return s
		}
	}
	var s string
	shown := shownEvent(*e, r)
	if r.state {
		s = stateRow(shown, g.left, g.lane, g.right, st, g.remote)
	} else {
		s = ladderRow(shown, g.left, g.lane, g.right, st, k.kind, d, g.remote)
	}
	if c != nil {
		c.lines[k] = s
	}
	return s
}

// emptyRow is a line of the two lifelines with nothing on them.
func (c *Cache) emptyRow(left, lane int, st *theme.Styles, remote bool) string {
	k := headKey{left: left, lane: lane, remote: remote}
	if c != nil && c.empty != "" && c.emptyKey == k {
		return c.empty
	}
	bar := st.Muted.Render("│")
	rbar := bar
	if remote {
		rbar = st.Muted.Render("┊")
	}
	s := strings.Repeat(" ", left) + bar + strings.Repeat(" ", lane) + rbar
	if c != nil {
		c.empty, c.emptyKey = s, k
	}
	return s
}

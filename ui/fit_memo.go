package ui

import "github.com/socklab/socklab/ui/theme"

// fitMemo remembers lines already fitted to a width, so a frame measures
// only the lines that changed: measuring a styled line (grapheme by
// grapheme) costs far more than finding it in a map. Lines not used for a
// frame are let go of at its end (two generations), and a frame that
// fits more than memoMax lines starts over, so it never outgrows a screen.
// A nil memo fits every time.
//
// Entries made with get may be styled: use drops them all when the styles
// change.
type fitMemo struct {
	cur, old map[memoKey]string
	st       *theme.Styles
}

const memoMax = 8192

type memoKey struct {
	kind    memoKind
	s, side string // side: a framed line's border; "" for a plain fit
	w       int
}

// memoKind keeps apart what is kept under the same strings.
type memoKind uint8

const (
	memoFit    memoKind = iota // fit(s, w)
	memoFramed                 // side + fit(s, w) + side
	memoBorder                 // a frame's styled border (see framedLines)
)

func newFitMemo() *fitMemo {
	return &fitMemo{cur: map[memoKey]string{}, old: map[memoKey]string{}}
}

// fit is fit(s, w).
func (m *fitMemo) fit(s string, w int) string {
	return m.get(memoKey{s: s, w: w}, func() string { return theme.Fit(s, w) })
}

// framedLine is side + fit(s, w) + side: one line inside a frame.
func (m *fitMemo) framedLine(side, s string, w int) string {
	return m.get(memoKey{kind: memoFramed, s: s, side: side, w: w}, func() string { return side + theme.Fit(s, w) + side })
}

func (m *fitMemo) get(k memoKey, make func() string) string {
	if m == nil {
		return make()
	}
	if v, ok := m.cur[k]; ok {
		return v
	}
	v, ok := m.old[k]
	if !ok {
		v = make()
	}
	if len(m.cur) >= memoMax {
		clear(m.cur)
	}
	m.cur[k] = v
	return v
}

// use starts a frame drawn with st.
func (m *fitMemo) use(st *theme.Styles) {
	if m != nil && m.st != st {
		clear(m.cur)
		clear(m.old)
		m.st = st
	}
}

// frame ends a frame: what it did not use goes.
func (m *fitMemo) frame() {
	if m == nil {
		return
	}
	m.cur, m.old = m.old, m.cur
	clear(m.cur)
}

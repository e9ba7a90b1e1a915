package theme

// FitMemo remembers lines already fitted to a width, so a frame measures
// only the lines that changed: measuring a styled line (grapheme by
// grapheme) costs far more than finding it in a map. Lines not used for a
// frame are let go of at its end (two generations), and a frame that
// fits more than memoMax lines starts over, so it never outgrows a screen.
// A nil memo fits every time.
//
// Entries made with Get may be styled: Use drops them all when the styles
// change.
type FitMemo struct {
	cur, old map[MemoKey]string
	st       *Styles
}

const memoMax = 8192

// MemoKey is what a memo keeps a line under: the text, the width and, for
// a framed line, its border.
type MemoKey struct {
	Kind    MemoKind
	S, Side string // Side: a framed line's border; "" for a plain fit
	W       int
}

// MemoKind keeps apart what is kept under the same strings.
type MemoKind uint8

const (
	memoFit    MemoKind = iota // Fit(s, w)
	memoFramed                 // side + Fit(s, w) + side
	MemoBorder                 // a frame's styled border (see framedLines)
)

func NewFitMemo() *FitMemo {
	return &FitMemo{cur: map[MemoKey]string{}, old: map[MemoKey]string{}}
}

// Fit is Fit(s, w), remembered.
func (m *FitMemo) Fit(s string, w int) string {
	return m.Get(MemoKey{S: s, W: w}, func() string { return Fit(s, w) })
}

// FramedLine is side + Fit(s, w) + side: one line inside a frame.
func (m *FitMemo) FramedLine(side, s string, w int) string {
	return m.Get(MemoKey{Kind: memoFramed, S: s, Side: side, W: w}, func() string { return side + Fit(s, w) + side })
}

// Get is the line kept under k, made with make when it is not kept yet.
func (m *FitMemo) Get(k MemoKey, make func() string) string {
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

// Use starts a frame drawn with st.
func (m *FitMemo) Use(st *Styles) {
	if m != nil && m.st != st {
		clear(m.cur)
		clear(m.old)
		m.st = st
	}
}

// Frame ends a frame: what it did not use goes.
func (m *FitMemo) Frame() {
	if m == nil {
		return
	}
	m.cur, m.old = m.old, m.cur
	clear(m.cur)
}

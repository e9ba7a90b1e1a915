package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/socklab/socklab/ui/theme"
)

// footerMemo keeps the last footer: the keys that matter change with a
// pane's state, not with every frame, and drawing the help line (several
// times, as keys are dropped until it fits) is most of a quiet frame.
type footerMemo struct {
	st           *theme.Styles
	width, helpW int
	keys         []helpText
	line         string
	ok           bool
}

// helpText is what the help line shows of a binding.
type helpText struct {
	key, desc string
	enabled   bool
}

// same reports whether the footer drawn last is the one for these keys.
func (f *footerMemo) same(st *theme.Styles, width, helpW int, keys []key.Binding) bool {
	if !f.ok || f.st != st || f.width != width || f.helpW != helpW || len(f.keys) != len(keys) {
		return false
	}
	for i, b := range keys {
		h := b.Help()
		if f.keys[i] != (helpText{h.Key, h.Desc, b.Enabled()}) {
			return false
		}
	}
	return true
}

func (f *footerMemo) keep(st *theme.Styles, width, helpW int, keys []key.Binding, line string) {
	f.st, f.width, f.helpW, f.line, f.ok = st, width, helpW, line, true
	f.keys = f.keys[:0]
	for _, b := range keys {
		h := b.Help()
		f.keys = append(f.keys, helpText{h.Key, h.Desc, b.Enabled()})
	}
}

package wire

import (
	"strconv"
	"unsafe"

	"github.com/socklab/socklab/netlab/event"
)

// linkText is where the Linker writes the words it gives a linked segment
// (the call that caused it, why): blocks of its own, each text a piece of
// a block that is only ever appended to, never written again, so a string
// made of it stays what it was (the immutability a string needs holds, as
// in sock's payload blocks). A lab's echo round trip links two segments,
// and their texts were seven allocations, concatenated from three to five
// pieces each, and the collector's work after them.
type linkText struct{ block []byte }

// linkTextBlock is a block's size, and linkTextRoom the room a block must
// have left for a text to start in it: a text longer than that still fits
// (append moves it to a larger array; the old one stays, as the strings
// made of it need), it just wastes the rest.
const (
	linkTextBlock = 4 << 10
	linkTextRoom  = 256
)

// open returns the block to append one text to, and the text's start.
func (w *linkText) open() ([]byte, int) {
	if cap(w.block)-len(w.block) < linkTextRoom {
		w.block = make([]byte, 0, linkTextBlock)
	}
	return w.block, len(w.block)
}

// close makes what was appended to b since start a string, and keeps b as
// the block the next text is appended to.
func (w *linkText) close(b []byte, start int) string {
	w.block = b
	if len(b) == start {
		return ""
	}
	return unsafe.String(&b[start], len(b)-start)
}

// callText is the call as a C programmer writes it: "send(5, "hi", 2, 0)".
func (w *linkText) callText(s *span) string {
	b, start := w.open()
	b = append(b, s.op.String()...)
	b = append(b, '(')
	b = append(b, s.args...)
	b = append(b, ')')
	return w.close(b, start)
}

// appendBytesOf words which sends a segment's bytes came from: "all 5
// bytes of send #2", "bytes 1025–2048 of send #2", "bytes of sends #2–#3".
func appendBytesOf(b []byte, off, n uint32, first, last *sendRange) []byte {
	if first.nth != last.nth {
		b = append(b, "bytes of sends #"...)
		b = strconv.AppendInt(b, int64(first.nth), 10)
		b = append(b, "–#"...)
		return strconv.AppendInt(b, int64(last.nth), 10)
	}
	if a := off - first.start + 1; a == 1 && n == first.n {
		b = append(b, "all "...)
		b = strconv.AppendUint(b, uint64(n), 10)
		b = append(b, " bytes"...)
	} else {
		b = append(b, "bytes "...)
		b = strconv.AppendUint(b, uint64(a), 10)
		b = append(b, "–"...)
		b = strconv.AppendUint(b, uint64(a+n-1), 10)
	}
	b = append(b, " of send #"...)
	return strconv.AppendInt(b, int64(first.nth), 10)
}

// bytesWhy is a data segment's why: its bytes' sends, and when it left
// after the last of them returned, that the kernel held them back (and
// until which ack, when one came in meanwhile); a FIN it carries is the
// call's that ended the stream.
func (w *linkText) bytesWhy(p *event.Packet, st *stream, off uint32, first, last *sendRange, held bool, at int64) string {
	s := &p.Seg
	b, start := w.open()
	b = appendBytesOf(b, off, uint32(s.Len), first, last)
	if held {
		b = append(b, ", sent after "...)
		b = append(b, last.op.String()...)
		b = append(b, "() returned: the kernel held them back"...)
		if st.ackAt > last.ret && st.ackAt <= at {
			// What came in while they waited, as the rows above show it.
			b = append(b, " until "...)
			if p.To != "" {
				b = append(b, p.To...)
			} else {
				b = append(b, "the peer"...)
			}
			b = append(b, "'s ack "...)
			b = strconv.AppendUint(b, uint64(st.ackRel), 10)
			b = append(b, " arrived"...)
		}
	}
	if s.Flags.Has(event.FlagFIN) && st.ender != nil {
		b = append(b, "; its FIN is "...)
		b = append(b, st.ender.op.String()...)
		b = append(b, "'s"...)
	}
	return w.close(b, start)
}

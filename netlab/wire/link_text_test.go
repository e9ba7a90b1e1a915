package wire

import (
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
)

// TestLinkTextWords: the words a data segment's why is made of, whole, for
// each of its forms (all of one send, part of one, parts of two; held back
// until an ack; carrying the FIN), and the cause's call text.
func TestLinkTextWords(t *testing.T) {
	r := newLinkRun(t)
	r.handshake(true)
	r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 5, 40, 41,
		func(e *event.Event) { e.Text = `5, "hello", 5, 0` })
	r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 2000, 42, 43)
	r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, 10, 44, 45)
	whole := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, isnC+1, isnS+1, 5, 41)
	part := r.seg(linkCli, linkSrv, event.FlagACK, isnC+6, isnS+1, 1000, 43)
	// The server's ACK of 1005 bytes (1006 from its ISN) comes while the rest waits.
	r.seg(linkSrv, linkCli, event.FlagACK, isnS+1, isnC+1006, 0, 50)
	r.call(event.KindCall, event.OpShutdown, "client", event.RoleClient, 5, linkCli, linkSrv, 0, 46, 47,
		func(e *event.Event) { e.Args.Option = "SHUT_WR" })
	two := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK|event.FlagFIN, isnC+1006, isnS+1, 1010, 60)
	for _, c := range []struct {
		what      string
		p         *event.Packet
		why, call string
	}{
		{"all of send #1", whole, "all 5 bytes of send #1", `send(5, "hello", 5, 0)`},
		{"part of send #2", part, "bytes 1–1000 of send #2", "send(send)"},
		{"the rest, held, with the FIN", two, "bytes of sends #2–#3, sent after send() returned: the kernel held them back " +
			"until server's ack 1006 arrived; its FIN is shutdown's", "send(send)"},
	} {
		if c.p.Why != c.why || c.p.CauseText != c.call {
			t.Errorf("%s: why %q, cause %q; want %q, %q", c.what, c.p.Why, c.p.CauseText, c.why, c.call)
		}
	}
}

// TestLinkTextsStayWhatTheyWere: the texts the Linker writes into its
// blocks are never written over by later ones, across many blocks.
func TestLinkTextsStayWhatTheyWere(t *testing.T) {
	r := newLinkRun(t)
	r.handshake(true)
	type kept struct{ why, cause, whyCopy, causeCopy string }
	var all []kept
	seq := isnC + 1
	for i := range 2000 {
		n := 1 + i%300 // texts of many lengths, numbers of many widths
		at := int64(100 + 10*i)
		r.call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, n, at, at+2,
			func(e *event.Event) { e.Text = strings.Repeat("x", i%200) })
		p := r.seg(linkCli, linkSrv, event.FlagPSH|event.FlagACK, seq, isnS+1, n, at+1)
		seq += uint32(n)
		all = append(all, kept{p.Why, p.CauseText, strings.Clone(p.Why), strings.Clone(p.CauseText)})
	}
	for i, k := range all {
		if k.why != k.whyCopy || k.cause != k.causeCopy {
			t.Fatalf("segment %d's texts changed after it was linked: %q / %q, made as %q / %q", i, k.why, k.cause, k.whyCopy, k.causeCopy)
		}
	}
}

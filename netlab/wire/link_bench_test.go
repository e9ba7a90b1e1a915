package wire

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
)

// BenchmarkLinkEchoRoundTrip is the Linker's whole share of a lab echo
// round trip, as a lab's sequencer hands it over: every call event
// observed (the server's recv blocking and returning, the client's send,
// the server's send, the client's recv blocking and returning) and both
// data segments decoded from their frames and linked. The events are
// built once and only their ids, moments and sequence numbers move, so
// what is measured is the Linker's work, not the benchmark's.
func BenchmarkLinkEchoRoundTrip(b *testing.B) {
	r := newLinkRun(b)
	r.handshake(true)
	const n = 64
	payload := make([]byte, n)
	toSrv := build(b, pkt{src: "127.0.0.1", dst: "127.0.0.1", sport: linkCli.Port(), dport: linkSrv.Port(),
		flags: event.FlagPSH | event.FlagACK, seq: isnC + 1, ack: isnS + 1, win: 512, payload: payload})
	toCli := build(b, pkt{src: "127.0.0.1", dst: "127.0.0.1", sport: linkSrv.Port(), dport: linkCli.Port(),
		flags: event.FlagPSH | event.FlagACK, seq: isnS + 1, ack: isnC + 1, win: 512, payload: payload})
	call := func(kind event.Kind, op event.Op, actor string, role event.Role, fd int, local, remote netip.AddrPort, text string) *event.Event {
		return &event.Event{Kind: kind, Op: op, Actor: actor, Role: role, FD: fd, Local: local, Remote: remote, Text: text, Result: n}
	}
	srvRecvBlocked := call(event.KindBlocked, event.OpRecv, "server", event.RoleConn, 6, linkSrv, linkCli, "6, 65536, 0")
	srvRecv := call(event.KindCall, event.OpRecv, "server", event.RoleConn, 6, linkSrv, linkCli, "6, 65536, 0")
	srvSend := call(event.KindCall, event.OpSend, "server", event.RoleConn, 6, linkSrv, linkCli, `6, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"..., 64, 0`)
	cliSend := call(event.KindCall, event.OpSend, "client", event.RoleClient, 5, linkCli, linkSrv, `5, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"..., 64, 0`)
	cliRecvBlocked := call(event.KindBlocked, event.OpRecv, "client", event.RoleClient, 5, linkCli, linkSrv, "5, 65536, 0")
	cliRecv := call(event.KindCall, event.OpRecv, "client", event.RoleClient, 5, linkCli, linkSrv, "5, 65536, 0")
	segToSrv := &event.Event{Kind: event.KindPacket, FD: -1, Data: toSrv, Result: len(toSrv)}
	segToCli := &event.Event{Kind: event.KindPacket, FD: -1, Data: toCli, Result: len(toCli)}
	seqC, seqS := isnC+1, isnS+1
	at := int64(1000)
	observe := func(e *event.Event, id event.CallID) {
		e.CallID, e.Enter, e.Return = id, time.Unix(0, at), time.Unix(0, at+2)
		at += 3
		r.k.Observe(e)
	}
	link := func(e *event.Event, frame []byte, seq uint32) {
		binary.BigEndian.PutUint32(frame[38:], seq) // the TCP header's sequence number
		e.Data, e.Result, e.At = frame, len(frame), time.Unix(0, at)
		at += 3
		if !r.k.Link(e) || e.Pkt.Origin != event.OriginCall {
			b.Fatalf("segment not linked to its send: %+v", e.Pkt)
		}
	}
	id := event.CallID(1000)
	b.ReportAllocs()
	for b.Loop() {
		id += 4
		observe(srvRecvBlocked, id)
		observe(cliSend, id+1)
		link(segToSrv, toSrv, seqC)
		observe(srvRecv, id)
		observe(cliRecvBlocked, id+2)
		observe(srvSend, id+3)
		link(segToCli, toCli, seqS)
		observe(cliRecv, id+2)
		seqC += n
		seqS += n
	}
}

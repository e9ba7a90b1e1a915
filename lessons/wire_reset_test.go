package lessons

import (
	"context"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/wire"
)

// playOnWire plays a lesson written for the test with capture on, and
// fails on any expectation that did not hold on this kernel.
func playOnWire(t *testing.T, src string) {
	t.Helper()
	c, err := wire.OpenCapture()
	if err != nil {
		t.Skipf("cannot capture on lo here (%v); the unprivileged path is tested end to end as user nobody", err)
	}
	c.Close()
	l, err := Parse("test.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := Start(l, Options{Wire: netlab.WireConfig{Capture: true}})
	defer r.Close()
	for i := range l.Steps {
		res, err := r.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Expects {
			if !v.Held || v.Skipped {
				t.Errorf("step %d: expect %s: held=%v skipped=%v %v %v", i+1, v.Expect.Src, v.Held, v.Skipped, v.Values, v.Err)
			}
		}
	}
}

// TestWireResetListenerClosed: a listener closed with a connection the
// kernel completed but nobody accepted resets it, and the RST says so: it
// is the listener's close, not "unread data" (the client sent nothing).
func TestWireResetListenerClosed(t *testing.T) {
	parallel(t, rankOther) // a lab of its own; its linker keeps only its own sockets' segments
	playOnWire(t, `# Listener closed before accept

## The listener goes away

`+"```lab"+`
server.socket tcp
server.bind 127.0.0.1:0
server.listen 5
client.socket tcp
client.connect server
server.close
expect client.connect.ok
expect wire.rst.count == 1
expect wire.rst.from == server
expect wire.rst.by == close
expect wire.rst.reason == "not-accepted"
`+"```"+`
`)
}

// TestWireResetUnreadData: close() with bytes never read resets, and the
// RST says it was the unread data.
func TestWireResetUnreadData(t *testing.T) {
	parallel(t, rankOther) // a lab of its own; its linker keeps only its own sockets' segments
	playOnWire(t, `# Unread data

## Close with unread bytes

`+"```lab"+`
server.socket tcp
server.bind 127.0.0.1:0
server.listen 5
client.socket tcp
client.connect server
conn = server.accept
client.send "unread"
conn.close
expect wire.rst.count == 1
expect wire.rst.by == close
expect wire.rst.reason == "unread-data"
`+"```"+`
`)
}

// TestWireICMP6: over IPv6 the closed port's answer is an ICMPv6 port
// unreachable, linked to the sendto whose datagram it quotes.
func TestWireICMP6(t *testing.T) {
	parallel(t, rankOther) // a lab of its own; its linker keeps only its own sockets' segments
	playOnWire(t, `# ICMPv6

## A datagram to a closed IPv6 port

`+"```lab"+`
gone.socket udp6
gone.bind [::1]:0
gone.close
sender.socket udp6
sender.sendto gone "anyone?"
expect sender.sendto.ok
expect wire.icmp.count == 1
expect wire.icmp.by == kernel
expect wire.icmp.answers == sendto
expect wire.icmp.to == sender
expect wire.icmp.port == gone.bind.port
`+"```"+`
`)
}

// TestWireResetAfterClose: bytes that arrive for a connection whose socket
// was closed are answered with a RST, and the RST says why.
func TestWireResetAfterClose(t *testing.T) {
	parallel(t, rankOther) // a lab of its own; its linker keeps only its own sockets' segments
	playOnWire(t, `# Late bytes

## Bytes after close

`+"```lab"+`
server.socket tcp
server.bind 127.0.0.1:0
server.listen 5
client.socket tcp
client.connect server
conn = server.accept
conn.close
client.send "late"
expect client.send.ok
expect wire.rst.count == 1
expect wire.rst.by == kernel
expect wire.rst.reason == "no-connection"
`+"```"+`
`)
}

//go:build linux

package wire

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// TestCaptureLoopback checks Decode and Track against what the kernel
// really puts on lo, not just against gopacket's encoder.
func TestCaptureLoopback(t *testing.T) {
	fd := openLoopbackCapture(t)
	cliPort, srvPort := exchangeHello(t)
	got := readExchange(t, fd, cliPort, srvPort)
	for _, s := range got {
		t.Logf("%v > %v %-14s seq=%d ack=%d win=%d shift=%d opts=%+v", s.Src, s.Dst, s.Summary(), s.RelSeq, s.RelAck, s.ScaledWin(), s.WinShift, s.Opts)
	}
	checkCapturedExchange(t, got, cliPort, srvPort)
}

// openLoopbackCapture opens a packet socket bound to lo, closed when the
// test ends; it skips the test where the host does not allow one.
func openLoopbackCapture(t *testing.T) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL)))
	if err != nil {
		t.Skipf("cannot open an AF_PACKET socket (needs CAP_NET_RAW): %v", err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	// Other tests flood lo while this one runs (go test runs packages in
	// parallel): a large buffer keeps this connection's frames from being
	// dropped before they are read.
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 64<<20)
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Skipf("no loopback interface named lo: %v", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: lo.Index}); err != nil {
		t.Skipf("cannot bind the packet socket to lo: %v", err)
	}
	return fd
}

// exchangeHello runs one whole TCP exchange on lo (connect, "hello\n" one
// way, "HELLO\n" back, close) and returns the client's and server's ports.
func exchangeHello(t *testing.T) (cliPort, srvPort uint16) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() { served <- serveHello(ln) }()
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, make([]byte, 6)); err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	c.Close()
	return uint16(c.LocalAddr().(*net.TCPAddr).Port), uint16(ln.Addr().(*net.TCPAddr).Port)
}

// serveHello accepts one connection, reads 6 bytes and answers "HELLO\n".
func serveHello(ln net.Listener) error {
	c, err := ln.Accept()
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := io.ReadFull(c, make([]byte, 6)); err != nil {
		return err
	}
	_, err = c.Write([]byte("HELLO\n"))
	return err
}

// readExchange decodes and tracks the segments of the connection between
// the two ports from the packet socket.
func readExchange(t *testing.T, fd int, cliPort, srvPort uint16) []event.Segment {
	t.Helper()
	flows := NewFlows()
	var got []event.Segment
	buf := make([]byte, 1<<17)
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
		n, from, err := unix.Recvfrom(fd, buf, 0)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			if len(got) >= 10 {
				break // the whole exchange: handshake, data both ways, FINs
			}
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatalf("recvfrom: %v", err)
		}
		if s, ok := exchangeSegment(buf[:n], from, cliPort, srvPort); ok {
			flows.Track(&s)
			got = append(got, s)
		}
	}
	return got
}

// exchangeSegment decodes one frame, keeping it only when it is an
// incoming copy of a TCP segment between the two ports.
func exchangeSegment(frame []byte, from unix.Sockaddr, cliPort, srvPort uint16) (event.Segment, bool) {
	// lo hands each packet to ETH_P_ALL sockets twice; keep one copy.
	if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
		return event.Segment{}, false
	}
	s, err := Decode(frame)
	if err != nil {
		return event.Segment{}, false // other traffic in this namespace, e.g. IPv6 ND
	}
	ports := [2]uint16{s.Src.Port(), s.Dst.Port()}
	if s.Proto != "tcp" || (ports != [2]uint16{cliPort, srvPort} && ports != [2]uint16{srvPort, cliPort}) {
		return event.Segment{}, false
	}
	return s, true
}

// checkCapturedExchange checks the captured segments against what Linux
// sends for the exchange: the handshake's numbers and options, the
// request, the reply, and no retransmission.
func checkCapturedExchange(t *testing.T, got []event.Segment, cliPort, srvPort uint16) {
	t.Helper()
	find := func(what string, ok func(event.Segment) bool) event.Segment {
		t.Helper()
		for _, s := range got {
			if ok(s) {
				return s
			}
		}
		t.Fatalf("no %s among %d captured segments", what, len(got))
		return event.Segment{}
	}
	fromCli := func(s event.Segment) bool { return s.Src.Port() == cliPort && s.Dst.Port() == srvPort }
	fromSrv := func(s event.Segment) bool { return s.Src.Port() == srvPort && s.Dst.Port() == cliPort }
	syn := find("SYN", func(s event.Segment) bool { return fromCli(s) && s.Flags == event.FlagSYN })
	synAck := find("SYN-ACK", func(s event.Segment) bool { return fromSrv(s) && s.Flags == event.FlagSYN|event.FlagACK })
	ack := find("handshake ACK", func(s event.Segment) bool {
		return fromCli(s) && s.Flags == event.FlagACK && s.RelSeq == 1 && s.RelAck == 1
	})
	req := find("request", func(s event.Segment) bool { return fromCli(s) && string(s.Payload) == "hello\n" })
	find("reply", func(s event.Segment) bool { return fromSrv(s) && string(s.Payload) == "HELLO\n" })
	checkHandshake(t, syn, synAck, ack)
	if req.Len != 6 || req.RelSeq != 1 || req.Summary() != "PSH,ACK len=6" {
		t.Errorf("request: %+v (%s)", req, req.Summary())
	}
	for _, s := range got {
		if s.Retrans {
			t.Errorf("nothing was retransmitted on lo, yet %s rel seq %d is marked", s.Summary(), s.RelSeq)
		}
	}
}

// checkHandshake checks the handshake's relative numbers, MSS and the
// window shift the final ACK carries.
func checkHandshake(t *testing.T, syn, synAck, ack event.Segment) {
	t.Helper()
	if syn.RelSeq != 0 || synAck.RelSeq != 0 || synAck.RelAck != 1 || synAck.Ack != syn.Seq+1 {
		t.Errorf("handshake numbers: SYN %+v SYN-ACK %+v", syn, synAck)
	}
	if syn.Opts.MSS == 0 || synAck.Opts.MSS == 0 {
		t.Errorf("Linux always sends MSS on SYNs: %+v / %+v", syn.Opts, synAck.Opts)
	}
	// Linux enables window scaling by default; if this host did, the
	// final ACK must carry the client's own shift.
	if syn.Opts.WScale >= 0 && synAck.Opts.WScale >= 0 && ack.WinShift != syn.Opts.WScale {
		t.Errorf("ACK WinShift = %d, client SYN offered %d", ack.WinShift, syn.Opts.WScale)
	}
}

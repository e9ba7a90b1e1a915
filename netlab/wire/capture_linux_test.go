//go:build linux

package wire

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// htons is v in network byte order on any host (see netlab's htons).
func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return binary.NativeEndian.Uint16(b[:])
}

// TestCaptureLoopback checks Decode and Track against what the kernel
// really puts on lo, not just against gopacket's encoder.
func TestCaptureLoopback(t *testing.T) {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL)))
	if err != nil {
		t.Skipf("cannot open an AF_PACKET socket (needs CAP_NET_RAW): %v", err)
	}
	defer unix.Close(fd)
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

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		buf := make([]byte, 6)
		if _, err := io.ReadFull(c, buf); err != nil {
			served <- err
			return
		}
		_, err = c.Write([]byte("HELLO\n"))
		served <- err
	}()
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
	cliPort := uint16(c.LocalAddr().(*net.TCPAddr).Port)
	srvPort := uint16(ln.Addr().(*net.TCPAddr).Port)

	flows := NewFlows()
	var got []Segment
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
		// lo hands each packet to ETH_P_ALL sockets twice; keep one copy.
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		s, err := Decode(buf[:n])
		if err != nil {
			continue // other traffic in this namespace, e.g. IPv6 ND
		}
		ports := [2]uint16{s.Src.Port(), s.Dst.Port()}
		if s.Proto != "tcp" || (ports != [2]uint16{cliPort, srvPort} && ports != [2]uint16{srvPort, cliPort}) {
			continue
		}
		flows.Track(&s)
		got = append(got, s)
	}

	for _, s := range got {
		t.Logf("%v > %v %-14s seq=%d ack=%d win=%d shift=%d opts=%+v", s.Src, s.Dst, s.Summary(), s.RelSeq, s.RelAck, s.ScaledWin(), s.WinShift, s.Opts)
	}
	find := func(what string, ok func(Segment) bool) Segment {
		t.Helper()
		for _, s := range got {
			if ok(s) {
				return s
			}
		}
		t.Fatalf("no %s among %d captured segments", what, len(got))
		return Segment{}
	}
	fromCli := func(s Segment) bool { return s.Src.Port() == cliPort && s.Dst.Port() == srvPort }
	fromSrv := func(s Segment) bool { return s.Src.Port() == srvPort && s.Dst.Port() == cliPort }
	syn := find("SYN", func(s Segment) bool { return fromCli(s) && s.Flags == FlagSYN })
	synAck := find("SYN-ACK", func(s Segment) bool { return fromSrv(s) && s.Flags == FlagSYN|FlagACK })
	ack := find("handshake ACK", func(s Segment) bool { return fromCli(s) && s.Flags == FlagACK && s.RelSeq == 1 && s.RelAck == 1 })
	req := find("request", func(s Segment) bool { return fromCli(s) && string(s.Payload) == "hello\n" })
	find("reply", func(s Segment) bool { return fromSrv(s) && string(s.Payload) == "HELLO\n" })

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
	if req.Len != 6 || req.RelSeq != 1 || req.Summary() != "PSH,ACK len=6" {
		t.Errorf("request: %+v (%s)", req, req.Summary())
	}
	for _, s := range got {
		if s.Retrans {
			t.Errorf("nothing was retransmitted on lo, yet %s rel seq %d is marked", s.Summary(), s.RelSeq)
		}
	}
}

//go:build linux

package wire

import (
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// TestRingTakenDown is the path taken when a ring was set up but cannot be
// mapped: once takeRingDown has freed it, the socket delivers lo's frames
// to recvmsg again (with the ring still there, recvmsg would find nothing).
func TestRingTakenDown(t *testing.T) {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no packet socket here: %v", err)
	}
	defer unix.Close(fd)
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V2); err != nil {
		t.Fatal(err)
	}
	req := unix.TpacketReq{Block_size: ringBlockSize, Block_nr: 2, Frame_size: ringFrameSize, Frame_nr: 2 * ringBlockSize / ringFrameSize}
	if err := unix.SetsockoptTpacketReq(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		t.Fatal(err)
	}
	if err := takeRingDown(fd); err != nil {
		t.Fatalf("take the ring down: %v", err)
	}
	lo, err := loopbackIndex()
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: lo}); err != nil {
		t.Fatal(err)
	}
	// A datagram to a port nobody listens on still crosses lo.
	u, err := net.Dial("udp4", "127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if _, err := u.Write([]byte("ring down")); err != nil {
		t.Fatal(err)
	}
	// The frame is queued before Write returns (loopback delivers in the
	// sender's system call); the timeout only stops a broken socket hanging.
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	if n, err := unix.Poll(pfd, 10_000); err != nil || n == 0 {
		t.Fatalf("no frame for recvmsg after the ring was taken down (poll: %d, %v)", n, err)
	}
	buf := make([]byte, 2048)
	if n, _, _, _, err := unix.Recvmsg(fd, buf, nil, unix.MSG_DONTWAIT); err != nil || n == 0 {
		t.Fatalf("recvmsg: %d bytes, %v", n, err)
	}
}

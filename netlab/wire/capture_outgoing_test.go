//go:build linux

package wire

import (
	"bytes"
	"net"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestOutgoingCopyDropped: lo hands every frame to a packet socket twice,
// going out and coming in. A capture keeps one: the kernel is asked not to
// give it the outgoing copy (PACKET_IGNORE_OUTGOING), and the BPF filter
// drops that copy where the kernel refuses. Each way alone must leave
// exactly one copy of a datagram, the incoming one; a socket with neither
// sees two (what makes the count mean something).
func TestOutgoingCopyDropped(t *testing.T) {
	for _, tc := range []struct {
		name           string
		filter, ignore bool
		want           int
	}{
		{"neither", false, false, 2},
		{"filter", true, false, 1},
		{"ignore outgoing", false, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Skipf("no packet socket here: %v", err)
			}
			defer unix.Close(fd)
			if tc.filter {
				prog := dropOutgoing()
				if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog); err != nil {
					t.Fatal(err)
				}
			}
			if tc.ignore {
				if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_IGNORE_OUTGOING, 1); err != nil {
					t.Skipf("this kernel refuses PACKET_IGNORE_OUTGOING (before Linux 4.20): %v", err)
				}
			}
			_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 16<<20) // lo is busy with other tests
			lo, err := loopbackIndex()
			if err != nil {
				t.Fatal(err)
			}
			if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: lo}); err != nil {
				t.Fatal(err)
			}
			// A datagram to a socket that takes it (no ICMP error quoting
			// it); its payload tells its frames from other tests' traffic.
			token := []byte("outgoing copy " + tc.name + " " + strconv.FormatInt(time.Now().UnixNano(), 10))
			sink, err := net.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer sink.Close()
			u, err := net.Dial("udp4", sink.LocalAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer u.Close()
			if _, err := u.Write(token); err != nil {
				t.Fatal(err)
			}
			// The outgoing copy is handed over in the sender's system call;
			// the incoming one may wait for a busy machine's softirq thread.
			// Read until the copies wanted came (or 10 s went by), then
			// whatever else is already queued.
			var copies, outgoing int
			buf := make([]byte, 1<<16)
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			for deadline := time.Now().Add(10 * time.Second); ; {
				n, from, err := unix.Recvfrom(fd, buf, 0)
				if err != nil { // EAGAIN: nothing queued now
					left := time.Until(deadline)
					if copies >= tc.want || left <= 0 {
						break
					}
					_, _ = unix.Poll(pfd, int(left.Milliseconds())+1)
					continue
				}
				if bytes.Contains(buf[:n], token) {
					copies++
					if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
						outgoing++
					}
				}
			}
			if copies != tc.want || (tc.want == 1 && outgoing != 0) {
				t.Fatalf("%d copies of the datagram (%d outgoing), want %d", copies, outgoing, tc.want)
			}
		})
	}
}

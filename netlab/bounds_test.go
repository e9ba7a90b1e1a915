//go:build unix

package netlab

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/sock"
	"golang.org/x/sys/unix"
)

// TestRecvSizeBounded: a receive size from a lesson file is data; a huge
// or negative one is refused before a buffer is made (it was a makeslice
// panic, or gigabytes), and a size at the bound still works.
func TestRecvSizeBounded(t *testing.T) {
	t.Parallel()
	lab := NewLab(LabConfig{})
	defer lab.Close()
	ctx := context.Background()
	for _, typ := range []sock.Type{sock.Stream, sock.Datagram} {
		s, err := sock.Open(ctx, lab.Tracer("a", event.RoleLab), sock.IPv4, typ)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(ctx)
		for _, n := range []int{-1, sock.MaxRecv + 1, 1 << 40, 9223372036854775807} {
			if typ == sock.Stream {
				_, err = s.Recv(ctx, n)
			} else {
				_, _, err = s.RecvFrom(ctx, n)
			}
			if !errors.Is(err, sock.ErrRecvSize) {
				t.Fatalf("%v recv(%d): %v, want ErrRecvSize", typ, n, err)
			}
		}
	}
	// At the bound the kernel is asked: an unconnected TCP socket says ENOTCONN.
	s, _ := sock.Open(ctx, lab.Tracer("b", event.RoleLab), sock.IPv4, sock.Stream)
	defer s.Close(ctx)
	if _, err := s.Recv(ctx, sock.MaxRecv); event.ErrnoOf(err) != unix.ENOTCONN {
		t.Fatalf("recv(MaxRecv) on an unconnected socket: %v, want ENOTCONN", err)
	}
}

// TestFamilyMismatchIsKernelErrno: an IPv6 address given to an IPv4
// socket reaches the kernel as a sockaddr_in6 and gets the kernel's
// errno; it used to panic in As4.
func TestFamilyMismatchIsKernelErrno(t *testing.T) {
	t.Parallel()
	lab := NewLab(LabConfig{})
	defer lab.Close()
	ctx := context.Background()
	v6 := netip.MustParseAddrPort("[::1]:9")
	tcp, err := sock.Open(ctx, lab.Tracer("t", event.RoleLab), sock.IPv4, sock.Stream)
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close(ctx)
	if err := tcp.Bind(ctx, v6); event.ErrnoOf(err) != unix.EAFNOSUPPORT {
		t.Fatalf("bind v6 on v4: %v, want EAFNOSUPPORT", err)
	}
	if err := tcp.Connect(ctx, v6); event.ErrnoOf(err) == 0 {
		t.Fatalf("connect v6 on v4: %v, want a kernel errno", err)
	}
	udp, err := sock.Open(ctx, lab.Tracer("u", event.RoleLab), sock.IPv4, sock.Datagram)
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close(ctx)
	if _, err := udp.SendTo(ctx, []byte("x"), v6); event.ErrnoOf(err) == 0 {
		t.Fatalf("sendto v6 on v4: %v, want a kernel errno", err)
	}
	// An IPv4-mapped address stays the IPv4 address it maps (a fresh
	// socket: the failed sendto above already bound an ephemeral port).
	u2, err := sock.Open(ctx, lab.Tracer("u2", event.RoleLab), sock.IPv4, sock.Datagram)
	if err != nil {
		t.Fatal(err)
	}
	defer u2.Close(ctx)
	if err := u2.Bind(ctx, netip.MustParseAddrPort("[::ffff:127.0.0.1]:0")); err != nil {
		t.Fatalf("bind mapped v4: %v", err)
	}
}

package service

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// connectRaw connects a socket made beforehand, so the client side needs
// no new descriptor (the test may have used them all up).
func connectRaw(t *testing.T, fd int, port int) {
	t.Helper()
	err := unix.Connect(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}})
	if err != nil && err != unix.EINPROGRESS {
		t.Fatalf("connect: %v", err)
	}
}

// TestClassAcceptEMFILEShown: out of descriptors, accept fails with EMFILE
// and the queue grows; the snapshot says so (the dashboard's "accept()
// failed: EMFILE" line), and accept resumes once descriptors are free.
func TestClassAcceptEMFILEShown(t *testing.T) {
	// Not parallel: the descriptor limit is the whole process's.
	c := startClass(t, ClassConfig{Server: ServerConfig{Service: Echo}})
	cfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(cfd)
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = 512
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	var filler []*os.File
	release := func() {
		for _, f := range filler {
			f.Close()
		}
		filler = nil
		unix.Setrlimit(unix.RLIMIT_NOFILE, &old)
	}
	defer release()
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break // EMFILE: every descriptor is taken
		}
		filler = append(filler, f)
	}
	connectRaw(t, cfd, int(c.Addr().Port()))
	s := waitSnap(t, c, "accept's EMFILE in the snapshot", func(s ClassSnapshot) bool {
		return s.AcceptErrs.Count > 0 && s.Queue.Len >= 1
	})
	if s.AcceptErrs.Last.Errno != "EMFILE" || s.AcceptErrs.Last.Fatal || s.Connected != 0 {
		t.Fatalf("accept failures: %+v, connected %d", s.AcceptErrs, s.Connected)
	}
	release()
	waitSnap(t, c, "accept to resume with descriptors free", func(s ClassSnapshot) bool { return s.Connected == 1 && s.Queue.Len == 0 })
}

// TestClassListenOverflowShown: a full accept queue (backlog 1, accept
// held) makes the kernel drop handshakes; the snapshot shows the growth of
// ListenOverflows/ListenDrops (this namespace's counters).
func TestClassListenOverflowShown(t *testing.T) {
	// Not parallel: the drop counters are the whole namespace's, and
	// another test's burst of connects could make them grow instead.
	c := startClassWith(t, ClassConfig{Server: ServerConfig{Service: Echo, Backlog: 1}}, func(c *Class) { c.SetHeld(true) })
	if !c.Snapshot().ListenDrops.Valid {
		t.Skip("no /proc/self/net/netstat here")
	}
	for range 8 {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(fd) })
		connectRaw(t, fd, int(c.Addr().Port()))
	}
	s := waitSnap(t, c, "the kernel's listen drops to grow", func(s ClassSnapshot) bool {
		return s.ListenDrops.Overflows > 0 && s.ListenDrops.Drops >= s.ListenDrops.Overflows
	})
	t.Logf("queue %d/%d, overflows %d, drops %d", s.Queue.Len, s.Queue.Max, s.ListenDrops.Overflows, s.ListenDrops.Drops)
}

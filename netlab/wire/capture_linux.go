package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/socklab/socklab/netlab/event"
	"golang.org/x/sys/unix"
)

// Capture reads the segments that cross the loopback interface, each once,
// with the kernel's timestamp. It is an AF_PACKET socket bound to lo: the
// kernel hands it a copy of every frame without ever making a sender wait
// for it (when its buffer is full the kernel drops the copy and counts it,
// see Drops), so capture can slow the screen but never a socket.
//
// Loopback frames appear twice on lo, once going out and once coming in;
// the socket asks not to be given the outgoing copy (PACKET_IGNORE_OUTGOING),
// and a classic BPF filter run by the kernel drops it where that is refused.
type Capture struct {
	fd    int
	wake  int        // an eventfd: Wake makes Wait return, so an idle capture needs no timer
	ring  *rxRing    // nil: frames are read with recvmsg
	mu    sync.Mutex // guards buf, oob and slab, and orders the reads
	buf   []byte
	oob   []byte
	slab  frameSlab
	drops uint64
	seen  atomic.Uint64 // frames read: DrainSerial counts without mu
}

// frameCap is how many bytes of a frame are kept: enough for every header
// and the start of the payload the bytes view shows. The frame's full length
// is kept beside it.
const frameCap = event.DataCap

// OpenCapture opens a capture on the loopback interface. It needs
// CAP_NET_RAW in the network namespace the process is in: the owner of a
// private user+network namespace has it there; elsewhere only root has it.
// It reads from a ring (ReadRing).
func OpenCapture() (*Capture, error) { return OpenCaptureReading(ReadRing) }

// OpenCaptureReading is OpenCapture reading frames the way r says.
func OpenCaptureReading(r Read) (*Capture, error) {
	withRing := r == ReadRing
	lo, err := loopbackIndex()
	if err != nil {
		return nil, err
	}
	// Protocol 0 receives nothing until bind, so no frame gets in before the
	// filter is attached.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socket(AF_PACKET): %w", err)
	}
	fail := func(what string, err error) (*Capture, error) {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	prog := dropOutgoing()
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog); err != nil {
		return fail("attach BPF filter", err)
	}
	// The kernel need not even copy the outgoing frames for this socket
	// (Linux 4.20): without it, each segment a traced socket sent was
	// cloned for the filter to drop, inside the sender's system call
	// (a lab echo round trip 2 % faster). The filter stays for kernels
	// that refuse it.
	_ = unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_IGNORE_OUTGOING, 1)
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		return fail("SO_TIMESTAMPNS", err)
	}
	// A large buffer rides out a burst while the lab is busy. FORCE needs
	// CAP_NET_ADMIN, which the owner of a private network has; otherwise
	// the kernel caps the size at net.core.rmem_max.
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 8<<20) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 8<<20)
	}
	// A ring makes "anything queued?" a memory read; without one (memory
	// limits), recvmsg does the same work with a system call per check.
	ring, ringErr := (*rxRing)(nil), errNoRing
	if withRing {
		ring, ringErr = newRxRing(fd)
		var stuck *ringStuckError
		if errors.As(ringErr, &stuck) {
			return fail("TPACKET_V2 ring", ringErr)
		}
	}
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: lo}
	if err := unix.Bind(fd, sa); err != nil {
		if ring != nil {
			ring.close()
		}
		return fail("bind(AF_PACKET, lo)", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		if ring != nil {
			ring.close()
		}
		return fail("eventfd", err)
	}
	c := &Capture{fd: fd, wake: wake}
	if ringErr == nil {
		c.ring = ring
	} else {
		c.buf, c.oob = make([]byte, 1<<16+64), make([]byte, 128)
	}
	return c, nil
}

// htons is v in network byte order, as the packet socket calls read the
// protocol number: the bytes of the result in memory are v's big-endian
// bytes, on any host.
func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return binary.NativeEndian.Uint16(b[:])
}

// dropOutgoing is the classic BPF program "drop PACKET_OUTGOING, keep the
// rest": load the packet-type ancillary field, compare, return.
func dropOutgoing() unix.SockFprog {
	f := []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_B | unix.BPF_ABS, K: skfAdOff + skfAdPkttype},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 1, Jf: 0, K: unix.PACKET_OUTGOING},
		{Code: unix.BPF_RET | unix.BPF_K, K: 1 << 18},
		{Code: unix.BPF_RET | unix.BPF_K, K: 0},
	}
	return unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]}
}

func loopbackIndex() (int, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return 0, err
	}
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 {
			return i.Index, nil
		}
	}
	return 0, errors.New("no loopback interface in this network namespace")
}

// WireFrame is one captured frame: the kernel's timestamp, the first bytes
// (Ethernet header first) and the frame's full length.
type WireFrame struct {
	At   time.Time
	Data []byte
	Len  int
}

// Drain reads every frame the kernel has queued, without waiting, and
// passes each to fn. Frames that were queued before Drain was called are
// all read by the time it returns.
func (c *Capture) Drain(fn func(WireFrame)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.drain(fn)
}

// DrainSerial is Drain for the one reader a capture is attached to: a
// caller whose calls never overlap one another and who closes the capture
// only after its last one (sock.Sequencer: it drains under its own lock,
// and Detach comes before Close). It takes no lock: the Sequencer reads the
// capture before every event it releases, several times per round trip,
// and a lock taken and given back was half of what a read that finds
// nothing cost.
func (c *Capture) DrainSerial(fn func(WireFrame)) error { return c.drain(fn) }

func (c *Capture) drain(fn func(WireFrame)) error {
	if c.fd < 0 {
		return os.ErrClosed
	}
	if c.ring != nil {
		if n := c.ring.drain(&c.slab, fn); n > 0 {
			c.seen.Add(n)
		}
		return nil
	}
	for {
		n, oobn, flags, _, err := unix.Recvmsg(c.fd, c.buf, c.oob, unix.MSG_TRUNC)
		if err == unix.EAGAIN || err == unix.EINTR {
			return nil
		}
		if err != nil {
			return err
		}
		c.seen.Add(1)
		f := WireFrame{Len: n, At: c.stamp(c.oob[:oobn])}
		keep := min(n, frameCap, len(c.buf))
		if flags&unix.MSG_TRUNC != 0 && n > len(c.buf) {
			keep = min(frameCap, len(c.buf))
		}
		f.Data = c.slab.copy(c.buf[:keep])
		fn(f)
	}
}

// frameSlab hands out copies of frames cut from one larger block: one
// allocation per few hundred segments rather than one per segment. A block
// lives while any event holds a frame cut from it; blocks fill in order and
// the log keeps the newest events, so what stays alive is about the log's
// own frames plus one block.
type frameSlab struct{ free []byte }

const (
	slabSize    = 64 << 10
	slabLargest = slabSize / 8 // a larger frame gets its own allocation, so a block is not cut short
)

func (s *frameSlab) copy(b []byte) []byte {
	if len(b) > slabLargest {
		return append([]byte(nil), b...)
	}
	if len(b) > len(s.free) {
		s.free = make([]byte, slabSize)
	}
	// The capacity ends with the frame: an append to it cannot reach the next.
	d := s.free[:len(b):len(b)]
	copy(d, b)
	s.free = s.free[len(b):]
	return d
}

// stamp reads the SCM_TIMESTAMPNS control message: the moment the frame
// reached the interface, from the kernel's CLOCK_REALTIME, the clock
// time.Now reads too.
func (c *Capture) stamp(oob []byte) time.Time {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
				ts := *(*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
				return time.Unix(ts.Unix())
			}
		}
	}
	return time.Now().Round(0)
}

// Reading says how the capture reads frames: from its ring, or with
// recvmsg when the ring was not asked for or the kernel refused it.
func (c *Capture) Reading() Read {
	if c.ring != nil {
		return ReadRing
	}
	return ReadRecvmsg
}

// Wait returns when a frame is queued or Wake was called. It reports
// false once woken: the caller should stop waiting.
func (c *Capture) Wait() bool {
	pfd := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}, {Fd: int32(c.wake), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(pfd, -1)
		if err == unix.EINTR {
			continue
		}
		return err == nil && pfd[1].Revents == 0
	}
}

// Wake makes a Wait (now or later) return false.
func (c *Capture) Wake() {
	var one = [8]byte{1}
	_, _ = unix.Write(c.wake, one[:])
}

// Drops returns the frames the kernel dropped because the capture's buffer
// was full, and the frames read.
func (c *Capture) Drops() (dropped, read uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd >= 0 {
		if st, err := unix.GetsockoptTpacketStats(c.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS); err == nil {
			// The kernel resets its counters at each read.
			c.drops += uint64(st.Drops)
		}
	}
	return c.drops, c.seen.Load()
}

// Close closes the capture socket.
func (c *Capture) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fd < 0 {
		return nil
	}
	err := unix.Close(c.fd)
	unix.Close(c.wake)
	if c.ring != nil {
		c.ring.close()
	}
	c.fd = -1
	return err
}

// LoopbackUp brings the loopback interface up: a new network namespace
// starts with lo down, and nothing on 127.0.0.1 answers until it is up.
func LoopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bring lo up: %w", err)
	}
	return nil
}

// Linux's ancillary-data offsets for classic BPF (linux/filter.h), which
// x/sys/unix does not export.
const (
	skfAdOff     = 0xfffff000 // SKF_AD_OFF, -0x1000
	skfAdPkttype = 4          // SKF_AD_PKTTYPE
)

package wire

import (
	"errors"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rxRing is a TPACKET_V2 receive ring shared with the kernel: frames are
// written into mapped memory, each with a status word the kernel sets when
// the frame is ready. Whether anything waits is then a memory read, not a
// system call: the Sequencer checks before every event it releases (see
// Sequencer.drain), so the check has to be cheap.
type rxRing struct {
	mem       []byte
	frameSize int
	frames    int
	next      int // the next frame to read, in the kernel's order
}

var errNoRing = errors.New("ring not asked for")

// ringStuckError is a ring the kernel set up but that could be neither
// mapped nor taken down: the socket would deliver nothing to recvmsg.
type ringStuckError struct{ mmap, undo error }

func (e *ringStuckError) Error() string {
	return "packet ring: mmap: " + e.mmap.Error() + "; taking it down: " + e.undo.Error()
}

const (
	ringFrameSize = 8192 // one frame: the tpacket2 header, the address, frameCap bytes of frame
	ringBlockSize = 1 << 16
	ringBlocks    = 128 // 8 MiB: the same room as the socket buffer it replaces

)

// newRxRing asks the kernel for a TPACKET_V2 ring on fd (before bind) and
// maps it. An error leaves fd as it was: the capture then reads with
// recvmsg.
func newRxRing(fd int) (*rxRing, error) {
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V2); err != nil {
		return nil, err
	}
	req := unix.TpacketReq{Block_size: ringBlockSize, Block_nr: ringBlocks, Frame_size: ringFrameSize,
		Frame_nr: ringBlocks * (ringBlockSize / ringFrameSize)}
	if err := unix.SetsockoptTpacketReq(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return nil, err
	}
	mem, err := unix.Mmap(fd, 0, int(req.Block_size*req.Block_nr), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		// The kernel would fill a ring nobody reads while recvmsg found
		// nothing: take the ring down, or give up on the socket.
		if undo := takeRingDown(fd); undo != nil {
			return nil, &ringStuckError{err, undo}
		}
		return nil, err
	}
	return &rxRing{mem: mem, frameSize: ringFrameSize, frames: int(req.Frame_nr)}, nil
}

// takeRingDown frees fd's receive ring: a request for no blocks. Frames
// then queue to the socket again, for recvmsg.
func takeRingDown(fd int) error {
	return unix.SetsockoptTpacketReq(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &unix.TpacketReq{})
}

func (r *rxRing) header(i int) *unix.Tpacket2Hdr {
	return (*unix.Tpacket2Hdr)(unsafe.Pointer(&r.mem[i*r.frameSize]))
}

// drain passes every ready frame to fn, in order, and gives each back: the
// frame is copied out (into slab) before the kernel may write it again.
func (r *rxRing) drain(slab *frameSlab, fn func(WireFrame)) (n uint64) {
	for {
		h := r.header(r.next)
		status := (*uint32)(unsafe.Pointer(&h.Status))
		if atomic.LoadUint32(status)&unix.TP_STATUS_USER == 0 {
			return n
		}
		off := r.next*r.frameSize + int(h.Mac)
		keep := min(int(h.Snaplen), frameCap, r.frameSize-int(h.Mac))
		f := WireFrame{
			At:   time.Unix(int64(h.Sec), int64(h.Nsec)),
			Data: slab.copy(r.mem[off : off+keep]),
			Len:  int(h.Len),
		}
		atomic.StoreUint32(status, unix.TP_STATUS_KERNEL)
		r.next = (r.next + 1) % r.frames
		n++
		fn(f)
	}
}

func (r *rxRing) close() { _ = unix.Munmap(r.mem) }

package wire

// Read is how a Capture takes frames from the kernel.
type Read uint8

const (
	// ReadRing reads a TPACKET_V2 ring the kernel fills, the default. The
	// Sequencer checks the capture before every event it releases, six times
	// per echo round trip: with recvmsg each check is a system call (most
	// answer EAGAIN), with the ring a memory read. With the other trims that
	// took capture's CPU cost per round trip from +58 % to +17 %
	// (docs/PERFORMANCE.md, "The wire"). Setting the ring up costs about 1 ms
	// more than a plain packet socket here (up to 4 ms for the first in a
	// process), closing it under 1 ms more: a lab pays that once.
	ReadRing Read = iota
	// ReadRecvmsg reads each frame with recvmsg(2): what a kernel without
	// PACKET_RX_RING leaves, and what tests exercise beside the ring.
	ReadRecvmsg
)

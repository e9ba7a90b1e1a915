package sock

import (
	"context"

	"golang.org/x/sys/unix"
)

// SetQuickAck makes setsockopt(TCP_QUICKACK). Linux acknowledges at once
// ("quick-ACK mode") for the first segments of a connection and again after
// any pause longer than the retransmission timeout, so whether a lone
// segment's ACK is delayed depends on how fast the program ran. Setting it
// to 0 puts the socket in the kernel's interactive ("pingpong") mode: the
// next ACK waits for the delayed-ACK timer (at least 40 ms) or a reply to
// ride on, whatever the timing, which is what a long-running conversation
// sees.
func (s *Socket) SetQuickAck(ctx context.Context, on bool) error {
	return s.setsockopt(ctx, unix.IPPROTO_TCP, unix.TCP_QUICKACK, "IPPROTO_TCP", "TCP_QUICKACK", boolInt(on))
}

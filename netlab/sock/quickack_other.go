//go:build !linux

package sock

import (
	"context"
	"errors"
)

// errNoQuickAck is SetQuickAck's answer where the option does not exist.
var errNoQuickAck = errors.New("TCP_QUICKACK exists only on Linux: this kernel delays or sends its ACKs by its own rules")

// SetQuickAck makes no call outside Linux: no other kernel has TCP_QUICKACK.
func (s *Socket) SetQuickAck(ctx context.Context, on bool) error { return errNoQuickAck }

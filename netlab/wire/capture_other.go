//go:build !linux

package wire

import (
	"errors"
	"time"
)

// WireFrame is one captured frame (see the Linux build).
type WireFrame struct {
	At   time.Time
	Data []byte
	Len  int
}

// Capture is not available off Linux: AF_PACKET on lo is Linux's.
type Capture struct{}

var errNoCapture = errors.New("capture on lo needs Linux (AF_PACKET)")

// OpenCapture says why there is no capture here.
func OpenCapture() (*Capture, error) { return nil, errNoCapture }

// OpenCaptureReading says why there is no capture here.
func OpenCaptureReading(Read) (*Capture, error) { return nil, errNoCapture }

// Reading says how the capture reads frames; there is none here.
func (c *Capture) Reading() Read { return ReadRing }

// Drain reads nothing.
func (c *Capture) Drain(func(WireFrame)) error { return errNoCapture }

// DrainSerial reads nothing.
func (c *Capture) DrainSerial(func(WireFrame)) error { return errNoCapture }

// Wait reports false at once: there is nothing to wait for.
func (c *Capture) Wait() bool { return false }

// Wake does nothing.
func (c *Capture) Wake() {}

// Drops is zero.
func (c *Capture) Drops() (dropped, read uint64) { return 0, 0 }

// Close does nothing.
func (c *Capture) Close() error { return nil }

// LoopbackUp is not needed off Linux.
func LoopbackUp() error { return errNoCapture }

package output

import "errors"

// Error is a trace or pcap that could not be written in full: lost data,
// so the command exits 1 and says so even when a signal ended it.
type Error struct{ Err error }

func (e Error) Error() string { return e.Err.Error() }
func (e Error) Unwrap() error { return e.Err }

// IsError reports whether err holds an Error: data was lost.
func IsError(err error) bool {
	var oe Error
	return errors.As(err, &oe)
}

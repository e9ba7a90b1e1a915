package sock

import "errors"

// Readable is not wired on Windows: the calculator then answers a line
// without newline after its pause, as before.
func (s *Socket) Readable() (int, error) { return 0, errors.New("not available on Windows") }

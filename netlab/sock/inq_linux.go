package sock

import "golang.org/x/sys/unix"

// inqRequest is the ioctl that reads the bytes waiting to be received.
const inqRequest = unix.SIOCINQ

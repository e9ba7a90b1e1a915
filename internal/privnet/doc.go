// Package privnet gives socklab's labs a private network: socklab runs
// itself again inside a new user and network namespace (what `unshare -Urn`
// makes), where an unprivileged user owns the loopback interface and may
// capture on it, so the wire shows every segment without root.
//
// The copy is told it is the copy by an open file, not by an environment
// variable: fd 3 is the parent's network namespace, and the copy checks that
// claim with the kernel (it must be a network namespace other than its own).
// A variable set by hand would make socklab claim a private network it is not
// in. The copy gets SIGHUP when its parent dies (a parent-death signal, even
// on SIGKILL), and the parent passes on the signals it receives, so either
// way the copy ends as for a lost terminal and restores it.
//
// Off Linux there is no copy: Enter says why the labs stay in the host's
// network.
package privnet

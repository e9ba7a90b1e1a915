// Package feed follows a netlab.Lab for a pane: a Feed keeps a bounded
// history of the lab's events, the calls pending at the step gate or
// blocked in the kernel, and the last kernel Snapshot, and counts what it
// lost. Its commands (Start) wait for events and read the kernel, merging a
// flood into one message per frame and looking again 100 ms and 1 s after
// activity; its Update only records what came back, so a pane's View never
// does I/O.
//
// It imports netlab and ui/common (the pane IDs its messages carry).
package feed

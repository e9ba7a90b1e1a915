// Package bench is socklab's load generator and its yardsticks.
//
// Run drives an echo or calculator server in a closed loop (each client
// sends one request, waits for the reply, checks it, and sends the next) and
// reports requests per second, latency percentiles, and every wrong or lost
// reply: a load test that does not check the answers proves nothing about a
// server that must lose nothing.
//
// BareEcho is the yardstick: the shortest echo server the net package allows,
// so that socklab's own servers (one real system call per step, traced or not)
// can be reported as a ratio of it on the same machine and in the same run.
// Compare measures those ratios.
//
// The package never imports a charm package: the command line and the TUI
// draw its progress.
package bench

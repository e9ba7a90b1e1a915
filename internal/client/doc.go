// Package client holds socklab's two clients of a server elsewhere: the
// line loop of `socklab client` (REPL), which sends each line of its input
// and prints each reply, and the rule by which `socklab connect` picks the
// server's protocol (ServiceFor). Both work on readers, writers and values,
// so they are tested without the command line.
package client

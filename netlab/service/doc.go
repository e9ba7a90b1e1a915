// Package service holds the servers socklab teaches with and the clients
// that talk to them: Server (echo and the remote calculator, with every
// limit: line length, clients, idle and request timeouts, byte budgets),
// Client, the line framing both use (Lines), the rate limits (Bucket), the
// allow list of source networks (AllowList), the accept hold that steps
// accept (AcceptHold), and Class, the server for a room of students.
//
// service imports netlab/event and netlab/sock (its servers are made of
// traced sockets); the Lab (netlab) imports it, never the other way round.
//
// A Class is a server for a room of students (socklab class). Its Server
// keeps every limit (line length, clients, idle and request timeouts) and
// adds an allow list of source networks (AllowList), a per-client token
// bucket (Bucket) and an accept hold for stepping accept (AcceptHold). A
// class does not trace calls one by one: it keeps counters per connection
// (a lane) as requests happen, and Snapshot reads them all at once with the
// kernel's state of each connection and the listener's accept queue, so a
// viewer pays per look, never per request.
package service

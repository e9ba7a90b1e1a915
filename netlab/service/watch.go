package service

import "github.com/socklab/socklab/netlab/sock"

// ConnWatcher follows a server's connections for a dashboard (the class
// view): every connection accept made, every one refused, every request
// served. Its methods are called from the connections' goroutines and must
// return at once (count, copy a few bytes, never wait).
type ConnWatcher interface {
	// Accepted is called when accept returned a connection the server
	// serves; the tap it returns hears about that connection alone.
	Accepted(c *sock.Socket) ConnTap
	// Refused is called when accept returned a connection the server then
	// closed at once without serving it, and says why.
	Refused(c *sock.Socket, kind RefuseKind, why string)
}

// RefuseKind says which rule turned a connection away.
type RefuseKind uint8

const (
	RefuseAllow      RefuseKind = iota // its source is not in --allow
	RefuseBusy                         // the server serves MaxClients already
	RefusePerStudent                   // its source holds PerStudent connections already
	RefuseRemoved                      // the instructor removed its source for the session
	RefuseClosing                      // the server is shutting down
)

// ConnTap hears about one served connection.
type ConnTap interface {
	// Served: one request answered (calc: a line and its reply; echo: the
	// bytes of one recv, sent back). The slices are only valid during the call.
	Served(req, reply []byte)
	// Flushed: the replies Served since the last Flushed were sent. A
	// dashboard shows them from then on, so a reply is never drawn beside
	// a byte count that does not include it yet.
	Flushed()
	// Limited: one request was over the client's rate limit (calc: answered
	// with an error line instead of evaluated; echo: sent back late).
	Limited()
	// Dropped: a request over the limit got no reply at all (its error
	// line would have passed one a second).
	Dropped()
	// Ended: the server is done with the connection and closes its socket.
	Ended(why string)
}

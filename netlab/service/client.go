package service

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/socklab/socklab/netlab/sock"
)

// Client is a connected TCP client of an echo or calculator server.
type Client struct {
	S       *sock.Socket
	Service string
	// Pause: a calculator reply with no newline is taken as complete when the
	// server sends nothing more for this long (the tutorial's server sends
	// results without a newline); default 500ms.
	Pause time.Duration
	rest  []byte // bytes received past the last reply
}

// ErrClosedByPeer is returned when the server closed before replying.
var ErrClosedByPeer = errors.New("the server closed the connection")

// Dial makes socket and connect.
func Dial(ctx context.Context, tr sock.Tracer, service string, addr netip.AddrPort) (*Client, error) {
	s, err := sock.Open(ctx, tr, sock.FamilyOf(addr.Addr()), sock.Stream)
	if err != nil {
		return nil, err
	}
	if err := s.Connect(ctx, addr); err != nil {
		s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return &Client{S: s, Service: service, Pause: 500 * time.Millisecond}, nil
}

// Echo sends msg with sendall and receives until as many bytes came back.
func (c *Client) Echo(ctx context.Context, msg []byte) ([]byte, error) {
	if err := c.S.SendAll(ctx, msg); err != nil {
		return nil, err
	}
	got := c.rest
	c.rest = nil
	for len(got) < len(msg) {
		p, err := c.S.Recv(ctx, 1024)
		if err != nil {
			return got, err
		}
		if len(p) == 0 {
			return got, ErrClosedByPeer
		}
		got = append(got, p...)
	}
	c.rest = got[len(msg):]
	return got[:len(msg)], nil
}

// Calc sends one request line and returns the reply line (without newline).
func (c *Client) Calc(ctx context.Context, line string) (string, error) {
	if err := c.S.SendAll(ctx, []byte(line+"\n")); err != nil {
		return "", err
	}
	return c.ReadLine(ctx)
}

// ReadLine returns the next reply line. A partial line is returned once the
// server has been silent for Pause. The pause is a context of its own, not
// a read deadline: a recv with a context that has a deadline replaces the
// socket's read deadline by it, so a deadline-bound caller waited for its
// whole deadline instead of the pause.
func (c *Client) ReadLine(ctx context.Context) (string, error) {
	for {
		if i := bytes.IndexByte(c.rest, '\n'); i >= 0 {
			line := string(bytes.TrimSuffix(c.rest[:i], []byte("\r")))
			c.rest = c.rest[i+1:]
			return line, nil
		}
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if len(c.rest) > 0 {
			rctx, cancel = context.WithTimeout(ctx, c.Pause)
		}
		p, err := c.S.Recv(rctx, 1024)
		paused := rctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err != nil && !(paused && len(c.rest) > 0) {
			return "", err
		}
		if len(p) == 0 || err != nil {
			if len(c.rest) > 0 {
				line := string(c.rest)
				c.rest = nil
				return line, nil
			}
			return "", ErrClosedByPeer
		}
		c.rest = append(c.rest, p...)
	}
}

// Close closes the client's socket.
func (c *Client) Close(ctx context.Context) error { return c.S.Close(ctx) }

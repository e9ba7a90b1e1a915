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
// server has been silent for Pause.
func (c *Client) ReadLine(ctx context.Context) (string, error) {
	for {
		if i := bytes.IndexByte(c.rest, '\n'); i >= 0 {
			line := string(bytes.TrimSuffix(c.rest[:i], []byte("\r")))
			c.rest = c.rest[i+1:]
			return line, nil
		}
		if len(c.rest) > 0 {
			_ = c.S.SetReadDeadline(time.Now().Add(c.Pause))
		}
		p, err := c.S.Recv(ctx, 1024)
		_ = c.S.SetReadDeadline(time.Time{})
		if err != nil {
			if sock.IsTimeout(err) && len(c.rest) > 0 {
				line := string(c.rest)
				c.rest = nil
				return line, nil
			}
			return "", err
		}
		if len(p) == 0 {
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

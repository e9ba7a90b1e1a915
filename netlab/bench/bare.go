package bench

import (
	"errors"
	"net"
	"net/netip"
	"sync"
)

// BareEcho is the shortest echo server the net package allows: a goroutine
// per connection, read up to 1024 bytes, write them back. It is the
// yardstick socklab's echo server is measured against, so it uses the same
// buffer size as the seeds' recv(1024).
type BareEcho struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	done  bool
}

// StartBareEcho listens on addr (port 0: the kernel chooses) and serves
// until Close.
func StartBareEcho(addr netip.AddrPort) (*BareEcho, error) {
	ln, err := net.Listen("tcp", addr.String())
	if err != nil {
		return nil, err
	}
	b := &BareEcho{ln: ln, conns: map[net.Conn]struct{}{}}
	b.wg.Add(1)
	go b.serve()
	return b, nil
}

// Addr is the address the server listens on.
func (b *BareEcho) Addr() netip.AddrPort {
	return b.ln.Addr().(*net.TCPAddr).AddrPort()
}

func (b *BareEcho) serve() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		b.mu.Lock()
		if b.done {
			b.mu.Unlock()
			c.Close()
			return
		}
		b.conns[c] = struct{}{}
		b.wg.Add(1)
		b.mu.Unlock()
		go b.handle(c)
	}
}

func (b *BareEcho) handle(c net.Conn) {
	defer b.wg.Done()
	defer func() {
		b.mu.Lock()
		delete(b.conns, c)
		b.mu.Unlock()
		c.Close()
	}()
	buf := make([]byte, 1024)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Close stops the server, closes every connection and waits for the
// goroutines.
func (b *BareEcho) Close() error {
	b.mu.Lock()
	b.done = true
	for c := range b.conns {
		c.Close()
	}
	b.mu.Unlock()
	err := b.ln.Close()
	b.wg.Wait()
	return err
}

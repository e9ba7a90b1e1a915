package bench

import (
	"context"
	"net/netip"

	"github.com/socklab/socklab/netlab/service"
)

// Server is a socklab server running in this process for a load run.
type Server struct {
	*service.Server
	done chan error
}

// StartServer listens with cfg (an unset address means 127.0.0.1, port
// chosen by the kernel) and serves in a goroutine until Close.
func StartServer(ctx context.Context, cfg service.ServerConfig) (*Server, error) {
	if !cfg.Addr.IsValid() {
		cfg.Addr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 0)
	}
	srv, err := service.Listen(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{Server: srv, done: make(chan error, 1)}
	go func() { s.done <- srv.Serve(context.WithoutCancel(ctx)) }()
	return s, nil
}

// Close closes the server and waits until Serve has returned; it returns
// Serve's error (nil after a clean close).
func (s *Server) Close() error {
	s.Server.Close()
	err := <-s.done
	s.done <- err // a second Close returns the same
	return err
}

package netlab

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/safetext"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// TestServeTraceHostile: serve's printers, text and JSON, with every
// hostile string sent to a real echo and calculator server on loopback.
// The trace quotes the bytes recv returned; none may reach the terminal
// raw, and the JSON still decodes to the same bytes (base64 keeps them).
func TestServeTraceHostile(t *testing.T) {
	t.Parallel()
	for _, svc := range []string{service.Echo, service.Calc} {
		for _, asJSON := range []bool{false, true} {
			var out bytes.Buffer
			var tw *event.TraceWriter
			if asJSON {
				tw = event.NewJSONTraceWriter(&out, 1<<12)
			} else {
				tw = event.NewTraceWriter(&out, 1<<12)
			}
			ctx := context.Background()
			srv, err := service.Listen(ctx, service.ServerConfig{Service: svc, Addr: netip.MustParseAddrPort("127.0.0.1:0"),
				Tracer: sock.Tracer{Sink: tw}})
			if err != nil {
				t.Fatal(err)
			}
			go srv.Serve(ctx)
			c, err := service.Dial(ctx, sock.Tracer{Actor: "client", Sink: tw}, svc, srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range safetext.Hostile {
				msg := strings.ReplaceAll(h, "\n", " ") // one request each
				if svc == service.Echo {
					_, err = c.Echo(ctx, []byte(msg+"\n"))
				} else {
					_, err = c.Calc(ctx, msg)
				}
				if err != nil {
					t.Fatalf("%s %q: %v", svc, msg, err)
				}
			}
			c.Close(ctx)
			srv.Close()
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			if r, bad := safetext.Raw(out.String()); bad {
				t.Errorf("%s json=%v: raw %U in the trace:\n%s", svc, asJSON, r, out.String())
			}
			if !strings.Contains(out.String(), "owned") || !strings.Contains(out.String(), "recv") {
				t.Fatalf("%s json=%v: the hostile requests are not in the trace; it tests nothing:\n%s", svc, asJSON, out.String())
			}
		}
	}
}

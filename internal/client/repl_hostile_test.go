package client

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/safetext"
	"github.com/socklab/socklab/netlab/service"
)

// TestREPLHostileServer: the REPL prints a hostile server's
// replies (title-setting OSC 0, clipboard OSC 52, C1, bidi) only as
// visible escapes, for calc and echo.
func TestREPLHostileServer(t *testing.T) {
	for _, svc := range []string{service.Calc, service.Echo} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for i := 0; ; i++ {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				h := safetext.Hostile[i%len(safetext.Hostile)]
				if svc == service.Echo {
					// as many bytes as were sent, so the client takes them as the echo
					h = (h + strings.Repeat("x", len(line)))[:len(line)-1] + "\n"
				} else {
					h = strings.ReplaceAll(h, "\n", " ") + "\n"
				}
				c.Write([]byte(h))
			}
		}()
		var in strings.Builder
		for range safetext.Hostile {
			in.WriteString("a request long enough to carry any hostile reply in full, padded\n")
		}
		var out bytes.Buffer
		addr := netip.MustParseAddrPort(ln.Addr().String())
		if err := REPL(context.Background(), Config{Service: svc, Addr: addr, In: strings.NewReader(in.String()), Out: &out}); err != nil {
			t.Fatalf("%s: %v ", svc, err)
		}
		ln.Close()
		if r, bad := safetext.Raw(out.String()); bad {
			t.Errorf("%s: raw %U reached the terminal:\n%q", svc, r, out.String())
		}
		if !strings.Contains(out.String(), `\x1b]0;owned`) {
			t.Errorf("%s: the hostile replies are not shown (as escapes); the test tests nothing:\n%q", svc, out.String())
		}
	}
}

package lessons

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/wire"
)

// TestTraceMarkdown: the handout of lesson 3 has every step, and its
// Mermaid block uses only the statements Mermaid's sequenceDiagram
// grammar knows (participant … as …, Note over X: …, X->>Y: … and
// X-->>Y: …), with no character that would end a statement early. With
// the wire on, the handshake is in it as arrows: the SYN solid (connect
// sent it), the SYN-ACK dashed (the kernel's own).
func TestTraceMarkdown(t *testing.T) {
	parallel(t, rankOther) // a lab of its own; its linker keeps only its own sockets' segments
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{}
	if c, err := wire.OpenCapture(); err == nil {
		c.Close()
		opts.Wire = netlab.WireConfig{Capture: true}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	ok, err := TraceMarkdown(ctx, &out, 3, ls[2], opts)
	if err != nil || !ok {
		t.Fatalf("trace: ok=%v err=%v\n%s", ok, err, out.String())
	}
	md := out.String()
	for i, st := range ls[2].Steps {
		if !strings.Contains(md, "## Step "+strconv.Itoa(i+1)+"/"+strconv.Itoa(len(ls[2].Steps))+": "+st.Title) {
			t.Errorf("step %d missing", i+1)
		}
	}
	m := regexp.MustCompile("(?s)```mermaid\n(.*?)```").FindStringSubmatch(md)
	if m == nil {
		t.Fatalf("no mermaid block:\n%s", md)
	}
	lines := strings.Split(strings.TrimSpace(m[1]), "\n")
	if lines[0] != "sequenceDiagram" {
		t.Fatalf("first line %q", lines[0])
	}
	stmt := regexp.MustCompile(`^    (participant A\d+ as [^;#\n]+|Note over A\d+: [^;#\n]+|A\d+-{1,2}>>A\d+: [^;#\n]+)$`)
	for _, l := range lines[1:] {
		if !stmt.MatchString(l) {
			t.Errorf("not a sequenceDiagram statement: %q", l)
		}
	}
	if opts.Wire.Capture {
		if !regexp.MustCompile(`(?m)^    A\d+->>A\d+: SYN$`).MatchString(m[1]) || !regexp.MustCompile(`(?m)^    A\d+-->>A\d+: SYN,ACK$`).MatchString(m[1]) {
			t.Errorf("the handshake is not drawn (SYN solid, SYN-ACK dashed):\n%s", m[1])
		}
	}
}

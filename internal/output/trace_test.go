package output

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/wire"
)

func note(s string) event.Event {
	return event.Event{Kind: event.KindNote, Actor: "lab", FD: -1, Note: s}
}

func TestTraceFileHoldsEveryLine(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		want string
	}{{Text, "first note"}, {JSON, `"note":"first note"`}} {
		path := filepath.Join(t.TempDir(), "trace")
		tr, err := CreateTrace("--trace-file", path, tc.f, 16)
		if err != nil {
			t.Fatal(err)
		}
		tr.Emit(note("first note"))
		var stderr bytes.Buffer
		if err := tr.Close(&stderr); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), tc.want) {
			t.Errorf("format %d: file %q (%v), want it to hold %s", tc.f, b, err, tc.want)
		}
		if stderr.Len() != 0 {
			t.Errorf("nothing was lost, yet stderr says %q", stderr.String())
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestTraceWriteErrorIsAnError: a standard output that fails loses lines,
// which must come back as an Error (exit 1 even after a signal).
func TestTraceWriteErrorIsAnError(t *testing.T) {
	tr := NewTrace(failingWriter{}, Text, 16)
	tr.Emit(note("lost"))
	err := tr.Close(&bytes.Buffer{})
	if !IsError(err) || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("got %v, want an Error with the write's error", err)
	}
}

func TestTraceDropRemovesItsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trace")
	tr, err := CreateTrace("--trace-file", path, Text, 16)
	if err != nil {
		t.Fatal(err)
	}
	tr.Emit(note("never kept"))
	tr.Drop("socklab stopped before the trace was written")
	if names := onlyFiles(t, dir); len(names) != 0 {
		t.Errorf("a dropped trace left %v", names)
	}
}

func TestPcapNeedsTheWire(t *testing.T) {
	dir := t.TempDir()
	_, err := OpenPcap(filepath.Join(dir, "x.pcapng"), netlab.WireConfig{Off: "in the host's network", Hint: "run without --host-network"})
	if err == nil || !strings.Contains(err.Error(), "--pcap needs the wire, which is off: wire: off — in the host's network; run without --host-network") {
		t.Fatalf("got %v", err)
	}
	if names := onlyFiles(t, dir); len(names) != 0 {
		t.Errorf("a refused pcap left %v", names)
	}
}

func TestPcapClosedIsInPlaceAndDropAfterCloseKeepsIt(t *testing.T) {
	if c, err := wire.OpenCapture(); err != nil {
		t.Skip("no capture on lo here:", err)
	} else {
		c.Close()
	}
	path := filepath.Join(t.TempDir(), "x.pcapng")
	p, err := OpenPcap(path, netlab.WireConfig{Capture: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p.Drop() // as a deferred Drop would, after the command ran
	b, err := os.ReadFile(path)
	// A pcapng file begins with its Section Header Block, type 0x0A0D0D0A.
	if err != nil || len(b) < 4 || !bytes.Equal(b[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		t.Fatalf("pcap file %x… (%v), want a pcapng section header", b[:min(len(b), 8)], err)
	}
}

package wire

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

type written struct {
	frame   []byte
	ts      time.Time
	comment string
}

// writeCapture writes the handshake exchange plus a UDP datagram to a
// pcapng file, commenting every other frame with its Summary.
func writeCapture(t *testing.T) (string, []written) {
	t.Helper()
	var ws []written
	ts := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	pkts := []pkt{}
	for _, st := range handshakeSteps() {
		pkts = append(pkts, st.p)
	}
	pkts = append(pkts, pkt{udp: true, src: "127.0.0.1", dst: "127.0.0.1", sport: 53000, dport: 9999, payload: []byte("ping\n")})
	for i, p := range pkts {
		frame := build(t, p)
		comment := ""
		if i%2 == 0 {
			comment = "socklab: " + mustDecode(t, frame).Summary()
		}
		ws = append(ws, written{frame, ts.Add(time.Duration(i) * time.Millisecond), comment})
	}

	path := filepath.Join(t.TempDir(), "lo.pcapng")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := NewPcapWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if err := pw.Write(w.ts, w.frame, len(w.frame), w.comment); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, ws
}

func TestPcapReadBack(t *testing.T) {
	path, ws := writeCapture(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	intf, err := r.Interface(0)
	if err != nil {
		t.Fatal(err)
	}
	if r.NInterfaces() != 1 || intf.Name != "lo" || intf.LinkType != layers.LinkTypeEthernet || intf.SnapLength != SnapLen {
		t.Errorf("interface: %d of them, %+v", r.NInterfaces(), intf)
	}
	for i, w := range ws {
		data, ci, opts, err := r.ReadPacketDataWithOptions()
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		if !bytes.Equal(data, w.frame) || !ci.Timestamp.Equal(w.ts) || ci.Length != len(w.frame) {
			t.Errorf("packet %d: %d bytes at %v (len %d)", i, len(data), ci.Timestamp, ci.Length)
		}
		var want []string
		if w.comment != "" {
			want = []string{w.comment}
		}
		if strings.Join(opts.Comments, "|") != strings.Join(want, "|") {
			t.Errorf("packet %d comments %q, want %q", i, opts.Comments, want)
		}
	}
	if _, _, err := r.ReadPacketData(); err == nil {
		t.Error("more packets than written")
	}
}

func TestPcapSnapLen(t *testing.T) {
	var buf bytes.Buffer
	pw, err := NewPcapWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, SnapLen+100) // loopback GSO frames can exceed 64 KiB
	if err := pw.Write(time.Now(), big, 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewNgReader(&buf, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	data, ci, err := r.ReadPacketData()
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != SnapLen || ci.CaptureLength != SnapLen || ci.Length != SnapLen+100 {
		t.Errorf("captured %d/%d of %d", len(data), ci.CaptureLength, ci.Length)
	}
}

// TestPcapTcpdump checks the file with an independent reader.
func TestPcapTcpdump(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not on PATH; install it to check the pcapng with an independent reader")
	}
	path, _ := writeCapture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tcpdump, "-nn", "-r", path)
	cmd.Env = append(os.Environ(), "TZ=UTC") // so the timestamps can be checked
	out, err := cmd.Output()
	text := string(out)
	t.Logf("tcpdump -nn -r:\n%s", text)
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		t.Fatalf("tcpdump failed: %v\n%s", err, ee.Stderr)
	} else if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "03:04:05.123456 IP ") {
		t.Errorf("first timestamp wrong: %.30q", text)
	}
	for _, want := range []string{
		"127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1000000, win 65495, options [mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7], length 0",
		"127.0.0.1.8080 > 127.0.0.1.40000: Flags [S.], seq 4294967293, ack 1000001, win 65483",
		"127.0.0.1.40000 > 127.0.0.1.8080: Flags [P.], seq 1:7, ack 1, win 512, length 6",
		"127.0.0.1.8080 > 127.0.0.1.40000: Flags [P.], seq 1:7, ack 7, win 128, length 6",
		"127.0.0.1.40000 > 127.0.0.1.8080: Flags [F.], seq 7, ack 7, win 512, length 0",
		"127.0.0.1.8080 > 127.0.0.1.40000: Flags [F.], seq 7, ack 8",
		"127.0.0.1.53000 > 127.0.0.1.9999: UDP, length 5",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("tcpdump output lacks %q", want)
		}
	}
	if n := strings.Count(strings.TrimSpace(text), "\n") + 1; n != 11 {
		t.Errorf("tcpdump printed %d lines, want 11", n)
	}
}

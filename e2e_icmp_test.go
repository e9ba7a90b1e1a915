//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestE2EWireICMP: as user nobody, lesson 11's datagrams to a closed port
// come back as ICMP port unreachable, each linked to the call whose
// datagram it quotes; tcpdump reads the same ICMP packets from the pcapng;
// and the connected UDP socket's next recv gets the kernel's ECONNREFUSED.
func TestE2EWireICMP(t *testing.T) {
	t.Parallel() // see e2e_main_test.go
	bin, dir := buildForAnyone(t)
	if _, err := exec.LookPath("tcpdump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tcpdump is required in CI")
		}
		t.Skip("tcpdump not installed")
	}
	pcap := filepath.Join(dir, "lesson11.pcapng")
	out := asNobody(t, nil, bin, "trace", "11", "--pcap", pcap)
	icmp := regexp.MustCompile(`(?m)^  wire +kernel → (\S+)  ICMP udp port (\d+) unreachable  127\.0\.0\.1 > 127\.0\.0\.1 quoting 127\.0\.0\.1:(\d+) > 127\.0\.0\.1:(\d+)  \(.*it answers (sendto|send)'s datagram\)$`)
	got := icmp.FindAllStringSubmatch(out, -1)
	if len(got) != 2 {
		t.Fatalf("trace 11 shows %d ICMP port unreachable lines linked to a call, want 2 (sendto, then the connected send):\n%s", len(got), out)
	}
	if got[0][1] != "sender" || got[0][5] != "sendto" || got[1][1] != "asker" || got[1][5] != "send" {
		t.Errorf("ICMP errors go to %s (%s) and %s (%s), want sender (sendto) and asker (send)", got[0][1], got[0][5], got[1][1], got[1][5])
	}
	if !regexp.MustCompile(`(?m)^  asker +recv\(\d+, 1024, 0\) = -1 ECONNREFUSED`).MatchString(out) {
		t.Errorf("the connected UDP socket's recv did not report ECONNREFUSED:\n%s", out)
	}
	dump, err := exec.Command("tcpdump", "-nn", "-r", pcap, "icmp").CombinedOutput()
	if err != nil {
		t.Fatalf("tcpdump -r: %v\n%s", err, dump)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(dump)), "\n") {
		if !strings.HasPrefix(l, "reading from file") {
			lines = append(lines, l)
		}
	}
	if len(lines) != len(got) {
		t.Fatalf("tcpdump reads %d ICMP packets, the trace shows %d:\n%s", len(lines), len(got), dump)
	}
	for i, m := range got {
		want := "ICMP 127.0.0.1 udp port " + m[2] + " unreachable"
		if !strings.Contains(lines[i], want) {
			t.Errorf("ICMP %d: tcpdump says %q, want %q", i+1, lines[i], want)
		}
	}
}

package wire

import (
	"errors"
	"reflect"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/socklab/socklab/netlab/event"
)

// The decoder reads headers by hand; these tests hold it to gopacket's
// decoding, which socklab used before (and tests still use to build
// frames): the names of ICMP errors, and every field of every segment.

func TestICMPNamesAreGopackets(t *testing.T) {
	for typ := range 256 {
		for code := range 256 {
			t4, t6 := uint8(typ), uint8(code)
			if icmpError(false, t4) {
				if got, want := icmpName(false, t4, t6), layers.CreateICMPv4TypeCode(t4, t6).String(); got != want {
					t.Fatalf("ICMPv4 %d/%d: %q, gopacket says %q", typ, code, got, want)
				}
			}
			if icmpError(true, t4) {
				if got, want := icmpName(true, t4, t6), layers.CreateICMPv6TypeCode(t4, t6).String(); got != want {
					t.Fatalf("ICMPv6 %d/%d: %q, gopacket says %q", typ, code, got, want)
				}
			}
		}
	}
}

// FuzzDecodeAgreesWithGopacket: a frame the gopacket decoder socklab
// used before (gopacket_oracle_test.go) decodes without error decodes to
// the same segment here, ICMP errors included; one it finds truncated is
// refused here too (as truncated, or as a fragment before its bytes are
// counted). (The new decoder decodes a few frames the old one
// refused: ICMPv6 behind a hop-by-hop header.)
func FuzzDecodeAgreesWithGopacket(f *testing.F) {
	addSeeds(f)
	old := newGPDecoder()
	f.Fuzz(func(t *testing.T, frame []byte) {
		agree(t, old, frame)
	})
}

func agree(t *testing.T, old *gpDecoder, frame []byte) {
	t.Helper()
	got, err := Decode(frame)
	want, werr := old.Decode(frame)
	if werr == nil && !(frame[12] == 0x08 && frame[14]>>4 == 4 || frame[12] == 0x86 && frame[14]>>4 == 6) {
		// The old decoder let an ICMPv6 message through behind an IP
		// header of the wrong version; this one says it is malformed.
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("frame %x: IP version %d behind EtherType %x: %v", frame, frame[14]>>4, frame[12:14], err)
		}
		return
	}
	switch {
	case werr == nil && err != nil:
		t.Fatalf("frame %x: gopacket decodes %+v; here: %v", frame, want, err)
	case werr == nil && !reflect.DeepEqual(got, want) && !(mptcp(frame) && sameButOptions(got, want)):
		t.Fatalf("frame %x:\n here     %+v\n gopacket %+v", frame, got, want)
	case errors.Is(werr, ErrTruncated) && err == nil:
		t.Fatalf("frame %x: gopacket: %v; here: %v", frame, werr, err)
	}
}

func TestDecodeAgreesWithGopacketOnTheSeeds(t *testing.T) {
	old := newGPDecoder()
	for _, frame := range seedFrames(t) {
		agree(t, old, frame)
		for n := range len(frame) {
			agree(t, old, frame[:n])
		}
	}
}

// mptcp reports whether a TCP segment's options hold an MPTCP option
// (kind 30). gopacket stops reading the options at one whose subtype it
// cannot parse; the kernel's tcp_parse_options reads on, as this decoder
// does, so the options after it may differ.
func mptcp(frame []byte) bool {
	start := 14 + 40
	if frame[12] == 0x08 {
		start = 14 + int(frame[14]&0x0f)*4
	}
	if len(frame) < start+20 {
		return false
	}
	off := int(frame[start+12]>>4) * 4
	for o := frame[start+20 : min(start+off, len(frame))]; len(o) > 0; {
		switch {
		case o[0] == 0:
			return false
		case o[0] == 1:
			o = o[1:]
			continue
		case o[0] == 30:
			return true
		case len(o) < 2 || o[1] < 2 || int(o[1]) > len(o):
			return false
		}
		o = o[o[1]:]
	}
	return false
}

func sameButOptions(a, b event.Segment) bool {
	a.Opts, b.Opts = event.Options{}, event.Options{}
	return reflect.DeepEqual(a, b)
}

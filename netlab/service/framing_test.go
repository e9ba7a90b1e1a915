package service

import (
	"bytes"
	"testing"
)

func TestLinesSplitsAndJoins(t *testing.T) {
	l := Lines{Max: 10}
	var got []string
	for _, chunk := range []string{"1+", "2\n3*4\n5", "\n", "0123456789012\nok\n", "x"} {
		for _, f := range l.Feed([]byte(chunk)) {
			if f.TooLong {
				got = append(got, "<long>")
			} else {
				got = append(got, string(f.Line))
			}
		}
	}
	want := []string{"1+2", "3*4", "5", "<long>", "ok"}
	if len(got) != len(want) {
		t.Fatalf("got %q want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q want %q", got, want)
		}
	}
	if f, ok := l.Flush(); !ok || string(f.Line) != "x" {
		t.Fatalf("flush = %q %v", f.Line, ok)
	}
}

func TestLinesLongWithoutNewlineReportedOnce(t *testing.T) {
	l := Lines{Max: 4}
	n := 0
	for range 100 {
		for _, f := range l.Feed([]byte("aaaaaaa")) {
			if f.TooLong {
				n++
			}
		}
	}
	fs := l.Feed([]byte("a\nok\n"))
	if n != 1 || len(fs) != 1 || string(fs[0].Line) != "ok" {
		t.Fatalf("too-long reported %d times, then %v", n, fs)
	}
}

// FuzzLines checks that however the stream is cut into recv-sized pieces,
// the frames are the same as when it arrives whole, and no kept line exceeds Max.
func FuzzLines(f *testing.F) {
	f.Add([]byte("2+3\n4*5\n"), uint8(3))
	f.Add([]byte("abc"), uint8(1))
	f.Add([]byte("\n\n\n"), uint8(2))
	f.Add(bytes.Repeat([]byte("x"), 40), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		const max = 16
		whole := Lines{Max: max}
		want := whole.Feed(data)
		pieces := Lines{Max: max}
		var got []Frame
		step := int(cut)%8 + 1
		for i := 0; i < len(data); i += step {
			got = append(got, pieces.Feed(data[i:min(i+step, len(data))])...)
		}
		if len(got) != len(want) {
			t.Fatalf("%d frames in pieces, %d whole", len(got), len(want))
		}
		for i := range got {
			if got[i].TooLong != want[i].TooLong || !bytes.Equal(got[i].Line, want[i].Line) {
				t.Fatalf("frame %d: %q/%v vs %q/%v", i, got[i].Line, got[i].TooLong, want[i].Line, want[i].TooLong)
			}
			if len(got[i].Line) > max || bytes.IndexByte(got[i].Line, '\n') >= 0 {
				t.Fatalf("bad frame %q", got[i].Line)
			}
		}
	})
}

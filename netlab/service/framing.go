package service

import "bytes"

// Lines splits a TCP byte stream into newline-terminated requests. TCP keeps
// no message boundaries: one recv may hold two requests or half of one, so
// the calculator reassembles lines here instead of assuming one recv is one
// message (the seeds' assumption, which holds only by luck).
//
// A line longer than Max bytes is not kept: Lines reports it once as too
// long and discards bytes up to its newline, so the connection can go on
// with the next line.
type Lines struct {
	Max  int
	buf  []byte
	skip bool // inside an over-long line, discarding to the next newline
}

// Frame is one complete request from the stream.
type Frame struct {
	Line    []byte // without the trailing "\n" (a "\r" before it is kept)
	TooLong bool   // the line exceeded Max; Line is empty
}

// Feed appends data and returns the frames it completed.
func (l *Lines) Feed(data []byte) []Frame {
	var out []Frame
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if l.skip {
			if i < 0 {
				return out
			}
			l.skip = false
			data = data[i+1:]
			continue
		}
		if i < 0 {
			if len(l.buf)+len(data) > l.Max {
				l.buf = l.buf[:0]
				l.skip = true
				out = append(out, Frame{TooLong: true})
				return out
			}
			l.buf = append(l.buf, data...)
			return out
		}
		if len(l.buf)+i > l.Max {
			l.buf = l.buf[:0]
			out = append(out, Frame{TooLong: true})
		} else {
			line := make([]byte, 0, len(l.buf)+i)
			line = append(append(line, l.buf...), data[:i]...)
			l.buf = l.buf[:0]
			out = append(out, Frame{Line: line})
		}
		data = data[i+1:]
	}
	return out
}

// Pending reports whether a request has begun and not ended: an unfinished
// line is buffered, or an over-long line is being skipped to its newline.
func (l *Lines) Pending() bool { return len(l.buf) > 0 || l.skip }

// Flush returns the unfinished line as a frame, as when the client has paused
// without sending a newline (the tutorial's clients send `expr.encode()` and
// wait for the answer).
func (l *Lines) Flush() (Frame, bool) {
	if len(l.buf) == 0 {
		return Frame{}, false
	}
	f := Frame{Line: append([]byte(nil), l.buf...)}
	l.buf = l.buf[:0]
	return f, true
}

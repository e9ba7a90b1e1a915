package wire

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"time"
)

// SnapLen is the snapshot length PcapWriter declares. Loopback's 64 KiB MTU
// plus GSO can hand us slightly larger frames; those are cut to SnapLen with
// their original length kept, exactly as a capture with this snaplen would.
const SnapLen = 65535

// PcapWriter writes frames to a pcapng stream (the format of
// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html) with
// one Ethernet interface named "lo", so the file opens in Wireshark looking
// like a tcpdump -i lo capture, with each frame's comment shown as a packet
// comment. It writes three kinds of block, all little-endian (the byte-order
// magic says so); the tests read its files back with gopacket's pcapgo,
// tcpdump and tshark. It is not safe for concurrent use.
type PcapWriter struct {
	w   *bufio.Writer
	blk []byte // the block being built, reused
}

// pcapng block types and option codes.
const (
	blockSHB = 0x0A0D0D0A // section header
	blockIDB = 0x00000001 // interface description
	blockEPB = 0x00000006 // enhanced packet

	optEnd      = 0
	optComment  = 1
	shbHardware = 2
	shbOS       = 3
	shbUserAppl = 4
	ifName      = 2
	ifTSResol   = 9
	ifOS        = 12

	linkTypeEthernet = 1
)

// NewPcapWriter writes the pcapng section and interface headers to w.
// Output is buffered: call Flush before closing w.
func NewPcapWriter(w io.Writer) (*PcapWriter, error) {
	p := &PcapWriter{w: bufio.NewWriterSize(w, 64<<10)}
	le := binary.LittleEndian
	b := p.begin(blockSHB)
	b = le.AppendUint32(b, 0x1A2B3C4D) // byte-order magic
	b = le.AppendUint16(b, 1)          // version 1.0
	b = le.AppendUint16(b, 0)
	b = le.AppendUint64(b, ^uint64(0)) // section length: not given
	b = appendOpt(b, shbHardware, runtime.GOARCH)
	b = appendOpt(b, shbOS, runtime.GOOS)
	b = appendOpt(b, shbUserAppl, "socklab")
	b = le.AppendUint32(b, optEnd)
	if err := p.end(b); err != nil {
		return nil, fmt.Errorf("wire: pcapng header: %w", err)
	}
	b = p.begin(blockIDB)
	b = le.AppendUint16(b, linkTypeEthernet)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint32(b, SnapLen)
	b = appendOpt(b, ifName, "lo")
	b = appendOpt(b, ifTSResol, "\x09") // nanoseconds, what time.Time carries
	b = appendOpt(b, ifOS, runtime.GOOS)
	b = le.AppendUint32(b, optEnd)
	if err := p.end(b); err != nil {
		return nil, fmt.Errorf("wire: pcapng header: %w", err)
	}
	return p, nil
}

// begin starts a block of type typ, its length to be filled in by end.
func (p *PcapWriter) begin(typ uint32) []byte {
	b := binary.LittleEndian.AppendUint32(p.blk[:0], typ)
	return append(b, 0, 0, 0, 0)
}

// end fills in the block's length at both ends and writes it.
func (p *PcapWriter) end(b []byte) error {
	n := uint32(len(b) + 4)
	binary.LittleEndian.PutUint32(b[4:8], n)
	b = binary.LittleEndian.AppendUint32(b, n)
	p.blk = b
	_, err := p.w.Write(b)
	return err
}

// appendOpt appends an option: its code, its length, its value padded to 4 bytes.
func appendOpt(b []byte, code uint16, v string) []byte {
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	return pad4(b, len(v))
}

func pad4(b []byte, n int) []byte {
	return append(b, make([]byte, (4-n%4)%4)...)
}

// Write appends one frame captured at ts. origLen is the frame's length on
// the wire (values below len(frame) are taken as len(frame)); a non-empty
// comment is stored as the packet's opt_comment.
func (p *PcapWriter) Write(ts time.Time, frame []byte, origLen int, comment string) error {
	origLen = max(origLen, len(frame))
	if len(frame) > SnapLen {
		frame = frame[:SnapLen]
	}
	if len(comment) > 0xffff-3 {
		comment = comment[:0xffff-3] // an option's length is 16 bits
	}
	le := binary.LittleEndian
	ns := uint64(ts.UnixNano())
	b := p.begin(blockEPB)
	b = le.AppendUint32(b, 0) // interface 0
	b = le.AppendUint32(b, uint32(ns>>32))
	b = le.AppendUint32(b, uint32(ns))
	b = le.AppendUint32(b, uint32(len(frame)))
	b = le.AppendUint32(b, uint32(origLen))
	b = append(b, frame...)
	b = pad4(b, len(frame))
	if comment != "" {
		b = appendOpt(b, optComment, comment)
		b = le.AppendUint32(b, optEnd)
	}
	if err := p.end(b); err != nil {
		return fmt.Errorf("wire: pcapng packet: %w", err)
	}
	return nil
}

// Flush writes buffered data through to the underlying writer.
func (p *PcapWriter) Flush() error {
	return p.w.Flush()
}

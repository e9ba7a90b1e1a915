package wire

import (
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// SnapLen is the snapshot length PcapWriter declares. Loopback's 64 KiB MTU
// plus GSO can hand us slightly larger frames; those are cut to SnapLen with
// their original length kept, exactly as a capture with this snaplen would.
const SnapLen = 65535

// PcapWriter writes frames to a pcapng stream with one Ethernet interface
// named "lo", so the file opens in Wireshark looking like a tcpdump -i lo
// capture, with each frame's comment shown as a packet comment. It is not
// safe for concurrent use.
type PcapWriter struct {
	w        *pcapgo.NgWriter
	comments [1]string // reused so a commented frame costs no allocation
}

// NewPcapWriter writes the pcapng section and interface headers to w.
// Output is buffered: call Flush before closing w.
func NewPcapWriter(w io.Writer) (*PcapWriter, error) {
	intf := pcapgo.NgInterface{
		Name:                "lo",
		OS:                  runtime.GOOS,
		LinkType:            layers.LinkTypeEthernet,
		SnapLength:          SnapLen,
		TimestampResolution: 9, // nanoseconds, what time.Time carries
	}
	opts := pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Hardware:    runtime.GOARCH,
		OS:          runtime.GOOS,
		Application: "socklab",
	}}
	nw, err := pcapgo.NewNgWriterInterface(w, intf, opts)
	if err != nil {
		return nil, fmt.Errorf("wire: pcapng header: %w", err)
	}
	return &PcapWriter{w: nw}, nil
}

// Write appends one frame captured at ts. origLen is the frame's length on
// the wire (values below len(frame) are taken as len(frame)); a non-empty
// comment is stored as the packet's opt_comment.
func (p *PcapWriter) Write(ts time.Time, frame []byte, origLen int, comment string) error {
	origLen = max(origLen, len(frame))
	if len(frame) > SnapLen {
		frame = frame[:SnapLen]
	}
	ci := gopacket.CaptureInfo{
		Timestamp:     ts,
		CaptureLength: len(frame),
		Length:        origLen,
	}
	var opts pcapgo.NgPacketOptions
	if comment != "" {
		p.comments[0] = comment
		opts.Comments = p.comments[:]
	}
	if err := p.w.WritePacketWithOptions(ci, frame, opts); err != nil {
		return fmt.Errorf("wire: pcapng packet: %w", err)
	}
	return nil
}

// Flush writes buffered data through to the underlying writer.
func (p *PcapWriter) Flush() error {
	return p.w.Flush()
}

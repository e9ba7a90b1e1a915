package output

import (
	"fmt"

	"github.com/socklab/socklab/netlab"
	"github.com/socklab/socklab/netlab/wire"
)

// Pcap is a --pcap file: the captured segments of labs, pcapng, each
// commented with its call.
type Pcap struct {
	*wire.PcapSink
	file *File
}

// OpenPcap starts the --pcap file at path for labs with wire w. A wire that
// is off, or a capture the kernel refuses (root without CAP_NET_RAW, in a
// container), is refused before anything runs: a pcap that could hold
// nothing is not written.
func OpenPcap(path string, w netlab.WireConfig) (*Pcap, error) {
	if !w.Capture {
		return nil, fmt.Errorf("--pcap needs the wire, which is off: %s", netlab.WireStatus{Why: w.Off, Hint: w.Hint})
	}
	if !w.Private {
		c, err := wire.OpenCapture()
		if err != nil {
			return nil, fmt.Errorf("--pcap needs the wire, and the kernel refused a capture on lo: %v", err)
		}
		c.Close()
	}
	file, err := Create("--pcap", path)
	if err != nil {
		return nil, err
	}
	sink, err := wire.NewPcapSink(file)
	if err != nil {
		file.Finish(err)
		return nil, fmt.Errorf("--pcap %s: %w", path, err)
	}
	return &Pcap{PcapSink: sink, file: file}, nil
}

// Close writes what is queued, closes the file and puts it in place; the
// first error, naming the file, is an Error.
func (p *Pcap) Close() error { return p.file.Finish(p.PcapSink.Close()) }

// Drop removes the file of a command that did not run: any previous file
// stays. After Close it does nothing.
func (p *Pcap) Drop() {
	p.PcapSink.Close()
	p.file.Drop("not written: the command did not run")
}

// Package output writes the files socklab's commands are asked for
// (--trace-file, --pcap) and their traces on standard output, so that no
// data is lost unsaid: a file is written beside its path and put in place
// only when every byte was written (a failed run leaves the previous file
// as it was), a path that names a link, a FIFO or a device is refused, and
// what could not be written is an Error, which the command line turns into
// exit status 1 even when a signal ended the command.
package output

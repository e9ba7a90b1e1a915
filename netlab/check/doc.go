// Package check grades a student's own server or client (socklab check):
// each check runs the program traced (netlab/ptrace) in a Lab of its own,
// talks to it with socklab's client or server, and explains its verdict
// with the calls the program made and the segments on the wire.
//
// It also holds Session, a program running traced in a Lab, which socklab
// run uses as it is.
package check

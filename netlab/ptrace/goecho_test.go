//go:build linux && (amd64 || arm64)

package ptrace

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// goEchoEnv, set in a traced program's environment, makes this test binary
// that program: a correct echo server in Go. Any Go program's net package
// makes every socket non-blocking and waits in epoll, which is what the Go
// test is about; being this binary, it needs no go build of its own (the
// go command, a compile and a link: ~0.8 s of CPU per run of the suite).
const goEchoEnv = "SOCKLAB_PTRACE_GO_ECHO"

// goEchoServer serves args[0] (the port, 0: any) for args[1] clients (0:
// forever), as testdata/programs' servers do: it prints "port N" once it
// listens, echoes each client until it closes, then closes its side.
func goEchoServer(args []string) int {
	port, clients := "65432", 0
	if len(args) > 0 {
		port = args[0]
	}
	if len(args) > 1 {
		clients, _ = strconv.Atoi(args[1])
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("port", ln.Addr().(*net.TCPAddr).Port)
	for n := 0; clients == 0 || n < clients; n++ {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		// A plain read/write loop: io.Copy would move the bytes with
		// splice(2), which socklab does not decode.
		buf := make([]byte, 1024)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				if _, err := c.Write(buf[:n]); err != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		c.Close()
	}
	ln.Close()
	return 0
}

// A correct echo server in Go: the net package makes every socket
// non-blocking and waits in epoll, so its accept is answered EAGAIN first.
// argv[1] is the port (0: any), argv[2] how many clients to serve (0: forever).
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

func main() {
	port, clients := "65432", 0
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if len(os.Args) > 2 {
		clients, _ = strconv.Atoi(os.Args[2])
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("port", ln.Addr().(*net.TCPAddr).Port)
	for n := 0; clients == 0 || n < clients; n++ {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
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
}

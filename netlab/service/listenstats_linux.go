package service

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
)

// listenStats reads the kernel's ListenOverflows (a handshake completed
// while the accept queue was full) and ListenDrops (SYNs and handshakes
// dropped at a listener, overflows included) from /proc/self/net/netstat:
// the counters of this process's network namespace, all its listeners
// summed. The class dashboard shows how much they grew since it started.
func listenStats() (overflows, drops uint64, ok bool) {
	data, err := os.ReadFile("/proc/self/net/netstat")
	if err != nil {
		return 0, 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var names []string
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 0 || string(f[0]) != "TcpExt:" {
			continue
		}
		if names == nil {
			for _, n := range f[1:] {
				names = append(names, string(n))
			}
			continue
		}
		var seen int
		for i, v := range f[1:] {
			if i >= len(names) {
				break
			}
			switch names[i] {
			case "ListenOverflows":
				overflows, _ = strconv.ParseUint(string(v), 10, 64)
				seen++
			case "ListenDrops":
				drops, _ = strconv.ParseUint(string(v), 10, 64)
				seen++
			}
		}
		return overflows, drops, seen == 2
	}
	return 0, 0, false
}

//go:build unix

package service

import (
	"bufio"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkLightUnderCPUFlood is a light client's round trip ("1+1") while
// 8 connections send "2**99999 % 7" (about 0.3 ms of big-integer work each)
// 64 at a time, as fast as the server answers them: the fairness of the calculator server
// under expensive work. It reports the probe's p50 and p99 in ms.
func BenchmarkLightUnderCPUFlood(b *testing.B) {
	srv, err := Listen(b.Context(), ServerConfig{Service: Calc, Addr: loop4})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = srv.Serve(b.Context()); close(done) }()
	defer func() { srv.Close(); <-done }()
	flood := []byte(strings.Repeat("2**99999 % 7\n", 64))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				select {
				case <-stop:
					return
				default:
				}
				// 64 pipelined in one write, as a flooding client would: the
				// server always has a batch of work in one read.
				if _, err := c.Write(flood); err != nil {
					return
				}
				for range 64 {
					if _, err := r.ReadString('\n'); err != nil {
						return
					}
				}
			}
		}()
	}
	probe, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer probe.Close()
	pr := bufio.NewReader(probe)
	var rtts []time.Duration
	for b.Loop() {
		start := time.Now()
		fmt.Fprint(probe, "1+1\n")
		if _, err := pr.ReadString('\n'); err != nil {
			b.Fatal(err)
		}
		rtts = append(rtts, time.Since(start))
	}
	close(stop)
	wg.Wait()
	slices.Sort(rtts)
	b.ReportMetric(float64(rtts[len(rtts)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(rtts[len(rtts)*99/100].Microseconds())/1000, "p99-ms")
}

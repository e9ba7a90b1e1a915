package main

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/socklab/socklab/netlab/service"
)

func TestClassConfigDefaults(t *testing.T) {
	f := classFlags{rate: 20, rateBytes: 32 << 10, perStudent: 8, maxClients: 1024, idle: 10 * time.Minute, reqTimeout: 10 * time.Second, linger: 10 * time.Second, theme: "auto",
		allow: []string{"10.77.0.0/24", "192.168.1.7"}}
	cfg, _, err := classConfig([]string{"calc"}, f)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Server
	if s.Addr != netip.MustParseAddrPort("0.0.0.0:1081") || s.Service != service.Calc || s.Rate != 20 || s.MaxClients != 1024 {
		t.Errorf("calc defaults: %+v", s)
	}
	if s.Allow.String() != "10.77.0.0/24, 192.168.1.7/32" {
		t.Errorf("allow: %s", s.Allow)
	}
	cfg, _, err = classConfig([]string{"echo", "10.77.0.1"}, f)
	if err != nil || cfg.Server.Addr != netip.MustParseAddrPort("10.77.0.1:65432") {
		t.Errorf("echo on 10.77.0.1: %v %v", cfg.Server.Addr, err)
	}
	f.idle = 0
	if cfg, _, _ := classConfig([]string{"calc", "127.0.0.1", "0"}, f); cfg.Server.IdleTimeout >= 0 {
		t.Errorf("--idle-timeout 0 must mean never: %v", cfg.Server.IdleTimeout)
	}
	if s.ByteRate != 32<<10 || s.PerStudent != 8 {
		t.Errorf("byte rate %g, per student %d", s.ByteRate, s.PerStudent)
	}
	for _, bad := range []classFlags{{rate: -1}, {rate: 20, allow: []string{"nope"}}, {rate: math.NaN()}, {rate: math.Inf(1)},
		{rate: math.Inf(-1)}, {rate: 0.01}, {rate: 20, rateBytes: 10}, {rate: 20, perStudent: -1}} {
		if bad.rateBytes == 0 {
			bad.rateBytes = 32 << 10
		}
		bad.maxClients, bad.reqTimeout, bad.linger, bad.theme = 10, time.Second, time.Second, "auto"
		if _, _, err := classConfig([]string{"calc"}, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

package client

import (
	"strings"
	"testing"

	"github.com/socklab/socklab/netlab/service"
)

func TestServiceForRule(t *testing.T) {
	for _, tc := range []struct {
		flag    string
		port    uint16
		want    string
		whyPart string
	}{
		{"", 1081, service.Calc, "port 1081 is the calculator's"},
		{"", 65432, service.Echo, "echo unless --service calc"},
		{"", 1080, service.Echo, "port 1080"},
		{"calc", 9000, service.Calc, "--service calc"},
		{"echo", 1081, service.Echo, "--service echo"},
	} {
		got, why, err := ServiceFor(tc.flag, tc.port)
		if err != nil || got != tc.want || !strings.Contains(why, tc.whyPart) {
			t.Errorf("ServiceFor(%q, %d) = %s, %q, %v; want %s (%q)", tc.flag, tc.port, got, why, err, tc.want, tc.whyPart)
		}
	}
	if _, _, err := ServiceFor("http", 80); err == nil {
		t.Error("--service http accepted")
	}
}

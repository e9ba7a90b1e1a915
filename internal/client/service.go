package client

import (
	"fmt"

	"github.com/socklab/socklab/netlab/service"
)

// ServiceFor is the rule for the protocol of socklab connect: the --service
// flag if given; otherwise calc on the calculator tutorial's port 1081 and
// echo on any other. Nothing is sent to find out, so it says which rule
// chose (why), and a wrong guess is plain on screen.
func ServiceFor(flag string, port uint16) (name, why string, err error) {
	calcPort := service.DefaultPort(service.Calc)
	switch flag {
	case service.Echo, service.Calc:
		return flag, "--service " + flag, nil
	case "":
	default:
		return "", "", fmt.Errorf("--service %q: want echo or calc", flag)
	}
	if service.ServiceForPort(port) == service.Calc {
		return service.Calc, fmt.Sprintf("port %d is the calculator's (--service echo to change)", calcPort), nil
	}
	return service.Echo, fmt.Sprintf("port %d: echo unless --service calc", port), nil
}

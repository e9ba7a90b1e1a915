package class

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

func calcRoom() service.ClassConfig {
	return service.ClassConfig{Linger: time.Second, Server: service.ServerConfig{Service: service.Calc,
		Addr: netip.MustParseAddrPort("127.0.0.1:0"), MaxClients: 8, PerStudent: 8, IdleTimeout: -1, RequestTimeout: time.Second}}
}

// TestSessionTracesAndSummarises: a student's request is served while the
// view runs; after it, the trace file holds the server's calls and the
// summary counts the student's request and clean close.
func TestSessionTracesAndSummarises(t *testing.T) {
	dir := t.TempDir()
	tr, err := output.CreateTrace("--trace-file", filepath.Join(dir, "trace"), output.Text, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := readRules(t, dir, "twice: student.requests >= 2\nonce: student.requests >= 1\n")
	if err != nil {
		t.Fatal(err)
	}
	s := Session{Config: calcRoom(), Exercises: ex, Trace: tr, Summary: filepath.Join(dir, "room")}
	var stdout bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = s.Run(ctx, &stdout, &bytes.Buffer{}, func(ctx context.Context, cls *service.Class) error {
		c, err := service.Dial(ctx, sock.Tracer{}, service.Calc, cls.Addr())
		if err != nil {
			return err
		}
		if got, err := c.Calc(ctx, "6*7"); err != nil || got != "42" {
			return errors.Join(err, errors.New("reply "+got))
		}
		c.Close(ctx)
		// The view ends once the room has seen the student leave.
		for {
			ts := cls.Snapshot().Tallies
			if len(ts) == 1 && ts[0].ClosedClean == 1 {
				return nil
			}
			select {
			case <-cls.Changed():
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "summary of the session: "+filepath.Join(dir, "room.csv")) {
		t.Errorf("stdout %q", stdout.String())
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "room.csv"))
	if !strings.Contains(string(csv), "127.0.0.1,1,1,0,1,") || !strings.HasSuffix(string(csv), ",1,false,true\n") {
		t.Errorf("summary:\n%s", csv)
	}
	trace, _ := os.ReadFile(filepath.Join(dir, "trace"))
	if !strings.Contains(string(trace), "accept") || !strings.Contains(string(trace), `"42\n"`) {
		t.Errorf("trace:\n%s", trace)
	}
}

// TestSessionListenErrorDropsTheTrace: a room that cannot listen writes
// no trace file and no summary.
func TestSessionListenErrorDropsTheTrace(t *testing.T) {
	dir := t.TempDir()
	tr, err := output.CreateTrace("--trace-file", filepath.Join(dir, "trace"), output.Text, 16)
	if err != nil {
		t.Fatal(err)
	}
	cfg := calcRoom()
	cfg.Server.Addr = netip.MustParseAddrPort("192.0.2.1:0") // TEST-NET-1: no interface has it
	s := Session{Config: cfg, Trace: tr, Summary: filepath.Join(dir, "room")}
	err = s.Run(context.Background(), &bytes.Buffer{}, &bytes.Buffer{}, func(context.Context, *service.Class) error {
		t.Error("the view ran for a room that does not listen")
		return nil
	})
	if err == nil {
		t.Fatal("listening on an address no interface has succeeded")
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("files left: %v", es)
	}
}

package bench

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// Mode is one kind of echo server in a comparison.
type Mode string

// The servers a comparison puts side by side.
const (
	ModeBare        Mode = "bare net echo"
	ModeSocklab     Mode = "socklab, trace off"
	ModeTraceFile   Mode = "socklab, trace to file"
	ModeSequential  Mode = "socklab --sequential"
	ModeCalc        Mode = "socklab calc, trace off"
	ModeCalcTrace   Mode = "socklab calc, trace to file"
	ModeCalcSequent Mode = "socklab calc --sequential"
)

// EchoModes and CalcModes are the default rows of a comparison.
var (
	EchoModes = []Mode{ModeBare, ModeSocklab, ModeTraceFile, ModeSequential}
	CalcModes = []Mode{ModeCalc, ModeCalcTrace, ModeCalcSequent}
)

// CompareConfig describes a comparison run.
type CompareConfig struct {
	Modes   []Mode        // default EchoModes
	Clients []int         // default 1 and 64
	Round   time.Duration // length of one measurement; default 2s
	Rounds  int           // rounds per mode, interleaved; default 3
	Size    int           // echo payload; default 64
	TempDir string        // where trace files go; default os.TempDir()
	// Progress, if set, is told about each finished measurement.
	Progress func(mode Mode, clients, round int, r *Result)
}

// Row is one line of a comparison: the median over the rounds.
type Row struct {
	Mode    Mode
	Clients int
	RPS     float64 // median requests per second
	// Ratio is the median, over rounds, of RPS divided by the bare server's
	// RPS in the same round (0 when the comparison has no bare server).
	Ratio                       float64
	P50, P99, Max               time.Duration // of the median round
	Wrong, Lost, Served, Rounds int
}

// Compare measures every mode at every client count. Rounds are interleaved
// (bare, socklab, trace…, then again) so that a slow moment of the machine
// weighs on all modes alike instead of on whichever ran then.
func Compare(ctx context.Context, cfg CompareConfig) ([]Row, error) {
	if len(cfg.Modes) == 0 {
		cfg.Modes = EchoModes
	}
	if len(cfg.Clients) == 0 {
		cfg.Clients = []int{1, 64}
	}
	if cfg.Round <= 0 {
		cfg.Round = 2 * time.Second
	}
	if cfg.Rounds <= 0 {
		cfg.Rounds = 3
	}
	if cfg.Size <= 0 {
		cfg.Size = 64
	}
	var rows []Row
	for _, n := range cfg.Clients {
		results := map[Mode][]*Result{}
		for round := range cfg.Rounds {
			for _, m := range cfg.Modes {
				r, err := measure(ctx, m, n, cfg)
				if err != nil {
					return rows, fmt.Errorf("%s, %d clients: %w", m, n, err)
				}
				results[m] = append(results[m], r)
				if cfg.Progress != nil {
					cfg.Progress(m, n, round, r)
				}
			}
		}
		for _, m := range cfg.Modes {
			rows = append(rows, summarize(m, n, results[m], results[ModeBare]))
		}
	}
	return rows, nil
}

func summarize(m Mode, clients int, rs, bare []*Result) Row {
	row := Row{Mode: m, Clients: clients, Rounds: len(rs)}
	order := make([]int, len(rs))
	var ratios []float64
	for i, r := range rs {
		order[i] = i
		row.Wrong += int(r.Wrong)
		row.Lost += int(r.Lost)
		row.Served = max(row.Served, r.Served)
		if i < len(bare) && bare[i].RPS() > 0 {
			ratios = append(ratios, r.RPS()/bare[i].RPS())
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Compare(rs[a].RPS(), rs[b].RPS())
	})
	med := rs[order[len(order)/2]]
	row.RPS = med.RPS()
	row.P50, row.P99, row.Max = med.Latency.Quantile(0.5), med.Latency.Quantile(0.99), med.Latency.Max()
	if len(ratios) > 0 {
		slices.Sort(ratios)
		row.Ratio = ratios[len(ratios)/2]
	}
	return row
}

// measure starts a fresh server of mode m, drives it for one round and
// stops it.
func measure(ctx context.Context, m Mode, clients int, cfg CompareConfig) (*Result, error) {
	target, stop, err := StartMode(ctx, m, clients, cfg.TempDir)
	if err != nil {
		return nil, err
	}
	r, err := Run(ctx, Config{Service: ModeService(m), Addr: target, Clients: clients, Duration: cfg.Round,
		Size: cfg.Size, Grace: time.Second}, nil)
	if serr := stop(r); err == nil {
		err = serr
	}
	return r, err
}

// ModeService is the service a mode's server runs (service.Echo or
// service.Calc).
func ModeService(m Mode) string {
	if strings.Contains(string(m), "calc") {
		return service.Calc
	}
	return service.Echo
}

// StartMode starts a fresh server of mode m on 127.0.0.1 for clients
// clients: the server a comparison measures, so that a benchmark of one
// mode (BenchmarkEcho, a CPU profile) measures the same path. A traced
// mode writes to a file in tempDir (os.TempDir() when empty). stop closes
// the server and, for a traced mode, checks that the file holds the
// calls of r (nil: not checked) and removes it.
func StartMode(ctx context.Context, m Mode, clients int, tempDir string) (target netip.AddrPort, stop func(r *Result) error, err error) {
	addr := netip.MustParseAddrPort("127.0.0.1:0")
	if m == ModeBare {
		b, err := StartBareEcho(addr)
		if err != nil {
			return target, nil, err
		}
		return b.Addr(), func(*Result) error { return b.Close() }, nil
	}
	sc := service.ServerConfig{Service: ModeService(m), Addr: addr, Sequential: strings.Contains(string(m), "sequential"),
		MaxClients: max(512, clients+16), Backlog: max(16, clients)}
	if sc.Sequential {
		sc.Backlog = 0 // the seeds' listen(1)
	}
	var tw *TraceWriter
	var f *os.File
	if strings.Contains(string(m), "trace to file") {
		f, err = os.CreateTemp(tempDir, "socklab-trace-*.log")
		if err != nil {
			return target, nil, err
		}
		tw = NewTraceWriter(f)
		sc.Tracer = sock.NewSequencer(tw).Tracer("server", event.RoleServer)
		sc.Tracer.StatePace = sock.ServeStatePace // as socklab serve's trace
	}
	srv, err := StartServer(ctx, sc)
	if err != nil {
		closeTrace(tw, f, nil)
		return target, nil, err
	}
	return srv.Addr(), func(r *Result) error {
		err := srv.Close()
		if terr := closeTrace(tw, f, r); err == nil {
			err = terr
		}
		return err
	}, nil
}

// closeTrace closes a round's trace and removes its file, once it has
// checked that the file holds the round's calls (r: the round's result,
// nil when it did not run): a trace that dropped lines would cost less
// than one that holds every call, and its ratio would not be the goal's.
func closeTrace(tw *TraceWriter, f *os.File, r *Result) error {
	if tw == nil {
		return nil
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := tw.Close(); err != nil {
		return err
	}
	if r == nil {
		return nil
	}
	if lost := tw.Lost(); lost > 0 {
		return fmt.Errorf("the trace file lost %d lines (the writer could not keep up): not a full trace", lost)
	}
	lines, err := countLines(f)
	if err != nil {
		return err
	}
	// Every right reply is at least a recv and a send of the server's.
	if want := 2 * r.OK; lines < want {
		return fmt.Errorf("the trace file holds %d lines for %d replies: want at least %d (a recv and a send each)", lines, r.OK, want)
	}
	return nil
}

// countLines counts the lines in f from its start.
func countLines(f *os.File) (uint64, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	var n uint64
	buf := make([]byte, 1<<20)
	for {
		k, err := f.Read(buf)
		n += uint64(bytes.Count(buf[:k], []byte{'\n'}))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// WriteTable prints rows as a Markdown table, the form docs/PERFORMANCE.md uses.
func WriteTable(w io.Writer, rows []Row) {
	fmt.Fprintln(w, "| server | clients | req/s | ratio to bare | p50 | p99 | max | wrong | lost | clients served |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		ratio := "—"
		if r.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f", r.Ratio)
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s | %s | %d | %d | %d/%d |\n", r.Mode, r.Clients, r.RPS, ratio,
			fmtDur(r.P50), fmtDur(r.P99), fmtDur(r.Max), r.Wrong, r.Lost, r.Served, r.Clients)
	}
}

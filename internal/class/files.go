package class

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/ui"
)

// MaxExercises bounds an exercise file: a few rules, never megabytes.
const MaxExercises = 64 << 10

// ReadExercises reads class --exercise: a regular file of at most
// MaxExercises bytes, parsed (every problem with its line).
func ReadExercises(path string) ([]ui.Exercise, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--exercise: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("--exercise %s: not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxExercises+1))
	if err != nil {
		return nil, fmt.Errorf("--exercise: %w", err)
	}
	if len(b) > MaxExercises {
		return nil, fmt.Errorf("--exercise %s: more than %d bytes", path, MaxExercises)
	}
	ex, err := ui.ParseExercises(string(b))
	if err != nil {
		return nil, fmt.Errorf("--exercise %s: %w", path, err)
	}
	return ex, nil
}

// summaryRow is one student in the summary file.
type summaryRow struct {
	Student     string          `json:"student"`
	Connections uint64          `json:"connections"`
	Requests    uint64          `json:"requests"`
	Errors      uint64          `json:"errors"`
	ClosedClean uint64          `json:"closed_cleanly"`
	BytesIn     uint64          `json:"bytes_in"`
	BytesOut    uint64          `json:"bytes_out"`
	Done        int             `json:"exercises_done"`
	Exercises   map[string]bool `json:"exercises,omitempty"`
}

// WriteSummary writes the session's students (ts, with the exercises ex
// each has done) to PREFIX.csv and PREFIX.json (new files: an existing one
// is never overwritten; prefix "" is socklab-class-DATE-TIME of now) and
// returns their paths.
func WriteSummary(prefix string, now time.Time, ts []service.StudentTally, ex []ui.Exercise) ([]string, error) {
	if prefix == "" {
		prefix = "socklab-class-" + now.Format("20060102-150405")
	}
	_, each := ui.ExercisesDone(ex, ts)
	rows := make([]summaryRow, len(ts))
	for i, t := range ts {
		r := summaryRow{Student: t.Addr.String(), Connections: t.Connections, Requests: t.Requests, Errors: t.Errors,
			ClosedClean: t.ClosedClean, BytesIn: t.BytesIn, BytesOut: t.BytesOut}
		if len(ex) > 0 {
			r.Exercises = map[string]bool{}
			for j, e := range ex {
				r.Exercises[e.Name] = each[i][j]
				if each[i][j] {
					r.Done++
				}
			}
		}
		rows[i] = r
	}
	csvPath, jsonPath := prefix+".csv", prefix+".json"
	err := createNew(csvPath, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := []string{"student", "connections", "requests", "errors", "closed_cleanly", "bytes_in", "bytes_out", "exercises_done"}
		for _, e := range ex {
			head = append(head, e.Name)
		}
		cw.Write(head)
		for _, r := range rows {
			u := func(n uint64) string { return strconv.FormatUint(n, 10) }
			rec := []string{r.Student, u(r.Connections), u(r.Requests), u(r.Errors), u(r.ClosedClean), u(r.BytesIn), u(r.BytesOut), strconv.Itoa(r.Done)}
			for _, e := range ex {
				rec = append(rec, strconv.FormatBool(r.Exercises[e.Name]))
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return nil, err
	}
	err = createNew(jsonPath, func(w io.Writer) error {
		type exJSON struct{ Name, Rule string }
		doc := struct {
			Ended     time.Time    `json:"ended"`
			Exercises []exJSON     `json:"exercises,omitempty"`
			Students  []summaryRow `json:"students"`
		}{Ended: now, Students: rows}
		for _, e := range ex {
			doc.Exercises = append(doc.Exercises, exJSON{e.Name, e.Src})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	})
	if err != nil {
		return []string{csvPath}, err
	}
	return []string{csvPath, jsonPath}, nil
}

// createNew writes a file that must not exist yet (O_EXCL: a link planted
// under its name is refused too).
func createNew(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

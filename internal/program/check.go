package program

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/socklab/socklab/netlab/check"
)

// Check grades the program cfg.Argv against the exercise kind and writes
// one verdict per check to w as it is decided: a PASS or FAIL line with
// its explanation (and, for a failure, the calls that show it), or with
// f JSON one JSON object per check. It returns how many checks failed.
func Check(ctx context.Context, w io.Writer, kind string, cfg check.Config, f Format) (failed int, err error) {
	report := func(r check.Result) {
		if !r.Pass {
			failed++
		}
		if f == JSON {
			fmt.Fprintf(w, "%s\n", r.JSON())
			return
		}
		mark := "PASS"
		if !r.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%s  %s (%s)\n      %s\n", mark, r.Name, r.Took, strings.ReplaceAll(r.Detail, "\n", "\n      "))
		if !r.Pass {
			for _, l := range r.Evidence {
				fmt.Fprintf(w, "        | %s\n", l)
			}
		}
	}
	_, err = check.Run(ctx, kind, cfg, report)
	return failed, err
}

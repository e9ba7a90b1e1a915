package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newBenchCmd is socklab bench. Owned by the bench work (issue 5).
func newBenchCmd() *cobra.Command {
	return &cobra.Command{Use: "bench", Short: "Load-test an echo or calculator server", Hidden: true,
		RunE: func(*cobra.Command, []string) error { return errors.New("bench is not built yet") }}
}

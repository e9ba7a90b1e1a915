package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// addTUIFlags wires the root command to the terminal UI.
// Owned by the UI work (issue 3); placeholder until it lands.
func addTUIFlags(root *cobra.Command) {
	root.RunE = func(cmd *cobra.Command, args []string) error {
		return errors.New("the terminal UI is not built yet")
	}
}

package main

import "github.com/spf13/cobra"

// lessonCommands returns the lessons, lesson, trace commands.
// Owned by the lessons work (issue 4); none until it lands.
func lessonCommands() []*cobra.Command { return nil }

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/socklab/socklab/internal/output"
	"github.com/socklab/socklab/internal/privnet"
	"github.com/socklab/socklab/lessons"
	"github.com/socklab/socklab/ui"
)

// lessonCommands returns the lessons, lesson and trace commands.
func lessonCommands(network privnet.Network) []*cobra.Command {
	return []*cobra.Command{newLessonsCmd(), newLessonCmd(network), newTraceCmd(network)}
}

// addLessonsDir adds --lessons DIR: an instructor's lessons, numbered after
// the built-in ones.
func addLessonsDir(cmd *cobra.Command, dir *string) {
	cmd.PersistentFlags().StringVar(dir, "lessons", "", "also load the lessons (*.md) in `DIR`, numbered after the built-in ones")
}

func newLessonsCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "lessons",
		Short: "List the lessons with your progress",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ls, err := lessons.Catalog(dir)
			if err != nil {
				return err
			}
			path, err := lessons.DefaultProgressPath()
			if err != nil {
				return err
			}
			prog, err := lessons.LoadProgress(path)
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "socklab: ignoring unreadable progress file %s: %v\n", path, err)
			}
			lessons.WriteList(cmd.OutOrStdout(), ls, prog)
			return nil
		},
	}
	addLessonsDir(cmd, &dir)
	cmd.AddCommand(&cobra.Command{
		Use:   "check DIR",
		Short: "Validate the lesson files in DIR (errors name the file and line)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ls, err := lessons.Check(args[0])
			if err != nil {
				return err
			}
			for _, l := range ls {
				fmt.Fprintf(cmd.OutOrStdout(), "ok  %s: %q, %d steps\n", l.File, l.Title, len(l.Steps))
				for _, k := range l.Leaks() { // a warning: the lesson still plays
					fmt.Fprintf(cmd.OutOrStdout(), "warn %s:%s\n", l.File, strings.TrimPrefix(k.String(), "line "))
				}
				for _, w := range l.Warnings {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
				}
			}
			return nil
		},
	})
	return cmd
}

// lessonArg finds lesson N (1-based) in the catalog.
func lessonArg(dir, arg string) (*lessons.Lesson, int, error) {
	ls, err := lessons.Catalog(dir)
	if err != nil {
		return nil, 0, err
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 || n > len(ls) {
		return nil, 0, fmt.Errorf("lesson %q: want a number from 1 to %d (socklab lessons lists them)", arg, len(ls))
	}
	return ls[n-1], n, nil
}

func newLessonCmd(network privnet.Network) *cobra.Command {
	var dir, theme string
	var anyAddr bool
	cmd := &cobra.Command{
		Use:   "lesson N",
		Short: "Open the terminal UI at lesson N",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, n, err := lessonArg(dir, args[0])
			if err != nil {
				return err
			}
			th, err := themeFlag(theme)
			if err != nil {
				return err
			}
			opts := tuiDefaults()
			opts.Wire = network.Wire()
			opts.Theme = th
			opts.Pane, opts.Lessons = "lessons", ui.LessonOptions{Number: n, Dir: dir}
			opts.Lessons.Engine.Loopback = loopbackOnly(network, anyAddr)
			return ui.Run(cmd.Context(), opts)
		},
	}
	addAnyAddressFlag(cmd, &anyAddr)
	addLessonsDir(cmd, &dir)
	cmd.Flags().StringVar(&theme, "theme", "auto", "colours: auto, dark, light or high-contrast")
	addHostNetworkFlag(cmd)
	return cmd
}

func newTraceCmd(network privnet.Network) *cobra.Command {
	var (
		dir     string
		asJSON  bool
		format  string
		pcap    string
		anyAddr bool
	)
	cmd := &cobra.Command{
		Use:   "trace N",
		Short: "Play lesson N headless and print every real call and result",
		Long: "trace plays every step of lesson N on real loopback sockets and prints each call as the\n" +
			"kernel answered it, then each expectation with the values it read. The exit status is 0\n" +
			"when every expectation held on this machine, 1 otherwise.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, n, err := lessonArg(dir, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				if cmd.Flags().Changed("format") && format != "json" {
					return fmt.Errorf("--json is --format json; it cannot go with --format %s", format)
				}
				format = "json"
			}
			trace := map[string]func(context.Context, io.Writer, int, *lessons.Lesson, lessons.Options) (bool, error){
				"text": lessons.Trace, "json": lessons.TraceJSON, "md": lessons.TraceMarkdown,
			}[format]
			if trace == nil {
				return fmt.Errorf("--format %q: want text, json or md", format)
			}
			opts := lessons.Options{Wire: network.Wire(), Loopback: loopbackOnly(network, anyAddr)}
			closePcap := func() error { return nil }
			if pcap != "" {
				p, err := output.OpenPcap(pcap, opts.Wire)
				if err != nil {
					return err
				}
				opts.Sink, closePcap = p, p.Close
			}
			ok, err := trace(cmd.Context(), cmd.OutOrStdout(), n, l, opts)
			if cerr := closePcap(); cerr != nil {
				return errors.Join(err, cerr)
			}
			if err != nil {
				return err
			}
			if !ok {
				return errors.New("lesson " + args[0] + ": some expectations did not hold on this machine")
			}
			return nil
		},
	}
	addLessonsDir(cmd, &dir)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON lines (docs/TRACE-FORMAT.md): the same as --format json")
	cmd.Flags().StringVar(&format, "format", "text", "text, json (docs/TRACE-FORMAT.md) or md (a Markdown handout with a Mermaid diagram)")
	cmd.Flags().StringVar(&pcap, "pcap", "", "also write the captured segments to `FILE` (pcapng, for Wireshark or tcpdump -r), each commented with its call")
	addAnyAddressFlag(cmd, &anyAddr)
	addHostNetworkFlag(cmd)
	return cmd
}

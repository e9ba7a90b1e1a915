package lessons

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed builtin/*.md
var builtinFS embed.FS

// Builtin returns the built-in curriculum, in order. The embedded files are
// checked by the tests, so an error here means a broken build.
func Builtin() ([]*Lesson, error) {
	ls, err := loadFS(builtinFS, "builtin", "builtin")
	for _, l := range ls {
		l.Builtin = true
	}
	return ls, err
}

// LoadDir reads every *.md lesson in dir (not README.md), sorted by file
// name, so "01-….md" comes before "02-….md".
func LoadDir(dir string) ([]*Lesson, error) {
	return loadFS(os.DirFS(dir), ".", dir)
}

// Check validates the lessons in dir and returns every problem found, each
// with its file and line, or nil.
func Check(dir string) error {
	ls, err := LoadDir(dir)
	if err != nil {
		return err
	}
	if len(ls) == 0 {
		return fmt.Errorf("%s: no lesson files (*.md)", dir)
	}
	return nil
}

// Catalog is the lessons a learner sees: the built-in ones, then those of
// extraDir when it is not empty.
func Catalog(extraDir string) ([]*Lesson, error) {
	ls, err := Builtin()
	if err != nil {
		return nil, err
	}
	if extraDir == "" {
		return ls, nil
	}
	more, err := LoadDir(extraDir)
	if err != nil {
		return nil, err
	}
	if len(more) == 0 {
		return nil, fmt.Errorf("%s: no lesson files (*.md)", extraDir)
	}
	return append(ls, more...), nil
}

func loadFS(fsys fs.FS, dir, shown string) ([]*Lesson, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") && !strings.EqualFold(e.Name(), "README.md") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	var (
		out   []*Lesson
		probs Problems
	)
	for _, n := range names {
		src, err := fs.ReadFile(fsys, filepath.ToSlash(filepath.Join(dir, n)))
		if err != nil {
			return nil, err
		}
		l, err := Parse(filepath.Join(shown, n), src)
		if err != nil {
			if ps, ok := err.(Problems); ok {
				probs = append(probs, ps...)
				continue
			}
			return nil, err
		}
		out = append(out, l)
	}
	if len(probs) > 0 {
		return out, probs
	}
	return out, nil
}

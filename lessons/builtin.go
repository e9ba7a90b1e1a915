package lessons

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/socklab/socklab/netlab/safetext"
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

// MaxLessonFile bounds a lesson file: the longest built-in lesson is about
// 8 KB, so a file past this is not a lesson (or is /dev/zero behind a link).
const MaxLessonFile = 1 << 20

// LoadDir reads every *.md lesson in dir (not README.md), sorted by file
// name, so "01-….md" comes before "02-….md". Only regular files are read
// (a FIFO or a device named 01.md is refused before it is opened, so it
// cannot hang the reader), each at most MaxLessonFile bytes.
func LoadDir(dir string) ([]*Lesson, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("lessons directory %s: %w", dir, errors.Unwrap(err))
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("lessons directory %s: %s, not a directory (give the directory that holds the lesson files)", dir, FileKind(fi.Mode()))
	}
	return loadFS(os.DirFS(dir), ".", dir)
}

// Check validates the lessons in dir: every problem found, each with its
// file and line, or the lessons when there is none. `socklab lessons check`
// is this function.
func Check(dir string) ([]*Lesson, error) {
	ls, err := LoadDir(dir)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, fmt.Errorf("%s: no lesson files (*.md)", dir)
	}
	return ls, nil
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
		src, err := readLesson(fsys, filepath.ToSlash(filepath.Join(dir, n)))
		if err != nil {
			probs = append(probs, Problem{File: filepath.Join(shown, n), Line: 1, Msg: err.Error()})
			continue
		}
		if line, bad := invalidUTF8(src); bad {
			probs = append(probs, Problem{File: filepath.Join(shown, n), Line: line, Msg: "invalid UTF-8: a lesson is UTF-8 text"})
			continue
		}
		if line, r, bad := controlChar(src); bad {
			probs = append(probs, Problem{File: filepath.Join(shown, n), Line: line, Msg: fmt.Sprintf("control character %U: a lesson file is text, and %s would act on the terminal of whoever reads it (write data as an escape such as \\x1b)", r, safetext.String(string(r)))})
			continue
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
		// In file order, then line order, whatever step found them.
		slices.SortStableFunc(probs, func(a, b Problem) int {
			if c := strings.Compare(a.File, b.File); c != 0 {
				return c
			}
			return a.Line - b.Line
		})
		return out, probs
	}
	return out, nil
}

// readLesson reads one lesson file: a regular file (links followed) of at
// most MaxLessonFile bytes.
func readLesson(fsys fs.FS, name string) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s): not read", FileKind(fi.Mode()))
	}
	if fi.Size() > MaxLessonFile {
		return nil, fmt.Errorf("%d bytes: a lesson file is at most %d", fi.Size(), MaxLessonFile)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The size can change after Stat: read one byte past the limit at most.
	src, err := io.ReadAll(io.LimitReader(f, MaxLessonFile+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxLessonFile {
		return nil, fmt.Errorf("more than %d bytes: a lesson file is at most that", MaxLessonFile)
	}
	return src, nil
}

// invalidUTF8 reports the line of the first byte that is not UTF-8.
// controlChar finds the first character of src that safetext would escape
// (C0 but tab and newline, a CR not ending a line, DEL, C1, bidi and other
// format characters), and its line.
func controlChar(src []byte) (line int, r rune, bad bool) {
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	i, r := safetext.Find(s)
	if i < 0 {
		return 0, 0, false
	}
	return 1 + strings.Count(s[:i], "\n"), r, true
}

func invalidUTF8(src []byte) (line int, bad bool) {
	line = 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size == 1 {
			return line, true
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return 0, false
}

// FileKind names a file type in words, not Go's mode letters ("Dc---------");
// the command line's output-file checks say the same words.
func FileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a Unix socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

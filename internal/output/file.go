package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/socklab/socklab/lessons"
)

// File is a file a flag names for socklab to write. The path is never
// opened: what it names must be a regular file or nothing (a symbolic link
// is refused, not followed, so a link planted at the path cannot make
// socklab truncate what it points at; a FIFO or a device is refused too).
// The data goes to a new temporary file in the same directory, renamed over
// the path by Finish only when every byte was written.
type File struct {
	*os.File
	flag, path string
	done       bool
}

// Create starts the file for flag (named in every error) at path.
func Create(flag, path string) (*File, error) {
	mode := fs.FileMode(0o644)
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return nil, fmt.Errorf("%s %s: a symbolic link; socklab does not follow it (name the file itself)", flag, path)
	case err == nil && !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s %s: %s, not a regular file; socklab writes only regular files", flag, path, lessons.FileKind(fi.Mode()))
	case err == nil:
		mode = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	// CreateTemp opens with O_CREATE|O_EXCL: it never follows a link.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	return &File{File: f, flag: flag, path: path}, nil
}

// Finish closes the file and, when werr (the writer's error) is nil, puts
// it in place of the path; otherwise the temporary file is removed and the
// error, naming the flag and the path, is an Error. Only the first Finish
// (or Drop) counts: the later ones return nil.
func (o *File) Finish(werr error) error {
	if o.done {
		return nil
	}
	o.done = true
	err := werr
	if cerr := o.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.File.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.File.Name())
		return Error{fmt.Errorf("%s %s: %w; the file was not written (any previous one is unchanged)", o.flag, o.path, err)}
	}
	return nil
}

// Drop removes the file of a command that did not run (or stopped before
// the file was written): any previous file at the path stays. It returns
// the Error that says so.
func (o *File) Drop(why string) error { return o.Finish(errors.New(why)) }

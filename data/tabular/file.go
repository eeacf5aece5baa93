package tabular

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegularFile is returned by OpenFile for a folder, device, pipe or socket:
// reading one can wait forever (a pipe with no writer) or never end (/dev/zero).
var ErrNotRegularFile = errors.New("not a regular file; choose the report file itself")

// RandomAccess is an input that can be read at any offset and knows its size. An
// .xlsx, a ZIP archive read from its end, is read this way in place; any other
// io.Reader given for one is first read into memory (up to 256 MiB). *File,
// *bytes.Reader and *io.SectionReader are RandomAccess.
type RandomAccess interface {
	io.ReaderAt
	Size() int64
}

// File is a regular file opened for reading, bounded to the size it had when
// opened: what is appended meanwhile is not read.
type File struct {
	*io.SectionReader
	f *os.File
}

// OpenFile opens a report file for Open. It refuses anything but a regular file
// before opening it, because opening a pipe with no writer blocks, and again
// after, in case the name was pointed elsewhere in between.
func OpenFile(path string) (*File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(path, fi); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if fi, err = f.Stat(); err == nil {
		err = regular(path, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{io.NewSectionReader(f, 0, fi.Size()), f}, nil
}

func regular(path string, fi fs.FileInfo) error {
	m := fi.Mode()
	var kind string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		kind = "a folder"
	case m&fs.ModeNamedPipe != 0:
		kind = "a pipe"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		kind = "a device"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	default:
		kind = "a special file"
	}
	return fmt.Errorf("%s is %s, %w", path, kind, ErrNotRegularFile)
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

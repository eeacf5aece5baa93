package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"danvan/data/message"
)

// Limits on what a file may make the reader read, inflate or hold. Each is far
// above what a report from the field needs (a few thousand rows, a few megabytes)
// and far below what would stall or exhaust an officer's laptop.
const (
	// maxPackedBytes bounds an .xlsx file, which is read at random (from its
	// end) or, from a plain io.Reader, into memory.
	maxPackedBytes = 256 << 20
	// maxCSVBytes bounds a CSV file, which is streamed: time is what it costs.
	maxCSVBytes = 2 << 30
	// maxUnpackedBytes bounds all parts of a workbook inflated, which is what
	// reading it costs in time: a sheet of a million report rows is about
	// 150 MiB of XML.
	maxUnpackedBytes = 256 << 20
	// maxRatio bounds how tightly a part over ratioFrom may be packed: Excel's
	// parts pack 5 to 20 to 1, a zip bomb's a thousand to 1.
	maxRatio  = 100
	ratioFrom = 1 << 20
	// maxParts bounds the parts of a workbook (a dozen, a few hundred with
	// pictures), and maxDirectoryBytes their list, which archive/zip reads whole
	// before anything can be checked, whatever number of parts the archive
	// declares.
	maxParts          = 10_000
	maxDirectoryBytes = 4 << 20
	// maxRows and maxSheetColumns are Excel's own: a sheet cannot be larger.
	maxRows         = 1 << 20
	maxSheetColumns = 16_384
	// maxStyles is Excel's own limit on cell formats.
	maxStyles = 64_000
	// maxSharedStrings and maxSharedBytes bound the shared string table, the
	// only part held in memory while rows are read: two texts per row of
	// Excel's largest sheet, and a 60-letter note on each of a million rows.
	maxSharedStrings = 2 << 20
	maxSharedBytes   = 64 << 20
)

var (
	msgFileTooLarge = message.New("the file is larger than {{.Max}} MiB, far more than any report; check that the right file was chosen, or split it")
	msgTooLarge     = message.New("the workbook unpacks to more than {{.Max}} MiB, far more than any report; split it or send CSV instead")
	msgPackedTight  = message.New("part {{.Part}} of the workbook is packed more than {{.Max}} to 1, which Excel never does: the file is damaged or made to attack; open it in Excel and save it again")
	msgTooManyParts = message.New("the workbook has more than {{.Max}} parts, far more than Excel writes; open it in Excel and save it again")
)

// cfbMagic starts a Compound File (OLE): what Excel saves a workbook with a
// password to open in, and old .xls files.
const cfbMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"

var errDirectoryTooLarge = errors.New("the list of parts is too long")

func mib(n int64) string { return strconv.FormatInt(n>>20, 10) }

func fatalError(file string, msg message.Text) *Error {
	return &Error{File: file, Msg: msg, fatal: true}
}

// tooLarge refuses a file of known size over max before any of it is read.
func tooLarge(file string, r io.Reader, max int64) *Error {
	if ra, ok := r.(RandomAccess); ok && ra.Size() > max {
		return fatalError(file, msgFileTooLarge.With("Max", mib(max)))
	}
	return nil
}

// randomAccess gives what archive/zip needs: r itself when it can, else r read
// into memory, bounded.
func randomAccess(file string, r io.Reader) (io.ReaderAt, int64, *Error) {
	if e := tooLarge(file, r, maxPackedBytes); e != nil {
		return nil, 0, e
	}
	if ra, ok := r.(RandomAccess); ok {
		return ra, ra.Size(), nil
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPackedBytes+1))
	if err != nil {
		return nil, 0, fatalError(file, msgCannotRead.With("Error", err.Error()))
	}
	if len(b) > maxPackedBytes {
		return nil, 0, fatalError(file, msgFileTooLarge.With("Max", mib(maxPackedBytes)))
	}
	return bytes.NewReader(b), int64(len(b)), nil
}

// openArchive opens the ZIP archive of a workbook and checks every part it lists
// against the limits, by the sizes it declares; verify then holds it to them.
func openArchive(file string, ra io.ReaderAt, size int64) (*zip.Reader, *Error) {
	var magic [len(cfbMagic)]byte
	if _, err := ra.ReadAt(magic[:], 0); err == nil && string(magic[:]) == cfbMagic {
		return nil, fatalError(file, msgPassword.With())
	}
	// The end record is found within the last 64 KiB and a little.
	budget := &readBudget{r: ra, left: maxDirectoryBytes + 70<<10}
	zr, err := zip.NewReader(budget, size)
	budget.left = math.MaxInt64
	switch {
	case errors.Is(err, errDirectoryTooLarge):
		return nil, fatalError(file, msgTooManyParts.With("Max", strconv.Itoa(maxParts)))
	case err != nil:
		return nil, fatalError(file, msgNotXLSX.With("Error", err.Error()))
	case len(zr.File) > maxParts:
		return nil, fatalError(file, msgTooManyParts.With("Max", strconv.Itoa(maxParts)))
	}
	var total uint64
	for _, f := range zr.File {
		n := f.UncompressedSize64
		if n > maxUnpackedBytes-total {
			return nil, fatalError(file, msgTooLarge.With("Max", mib(maxUnpackedBytes)))
		}
		total += n
		if n > ratioFrom && n/max(f.CompressedSize64, 1) > maxRatio {
			return nil, fatalError(file, msgPackedTight.With("Part", f.Name, "Max", strconv.Itoa(maxRatio)))
		}
	}
	return zr, nil
}

// verify reads every part to its end, which checks its CRC, before the first row
// is returned: rows read from a workbook that turns out damaged further on must
// never reach the database. It counts what it inflates, because declared sizes
// can lie.
func verify(file string, zr *zip.Reader) *Error {
	left := int64(maxUnpackedBytes)
	for _, f := range zr.File {
		rc, err := f.Open()
		var n int64
		if err == nil {
			n, err = io.Copy(io.Discard, io.LimitReader(rc, left+1))
			rc.Close()
		}
		if n > left {
			return fatalError(file, msgTooLarge.With("Max", mib(maxUnpackedBytes)))
		}
		if err != nil {
			return fatalError(file, msgWorkbookDamaged.With("Error", fmt.Sprintf("%s: %v", f.Name, err)))
		}
		left -= n
	}
	return nil
}

// readBudget fails reads once left bytes have been read.
type readBudget struct {
	r    io.ReaderAt
	left int64
}

func (b *readBudget) ReadAt(p []byte, off int64) (int, error) {
	if int64(len(p)) > b.left {
		return 0, errDirectoryTooLarge
	}
	b.left -= int64(len(p))
	return b.r.ReadAt(p, off)
}

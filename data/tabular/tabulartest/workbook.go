// Package tabulartest makes workbooks for the tests of the packages that read
// them, up to the command line: small ones written part by part, and hostile ones
// (damaged, zip bombs) built on the fly, never stored.
package tabulartest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkg  = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// Part is one file inside a workbook's ZIP archive.
type Part struct {
	Name, Data string
}

// Workbook is the smallest workbook Excel opens, with one sheet "Sheet1" whose
// <sheetData> holds rows, a shared string table holding shared, and a style table
// with cellXfs (none when empty).
type Workbook struct {
	Rows   string
	Shared []string
	Styles string // the whole styles.xml; empty for none
}

// Parts returns the workbook's parts, in the order Excel writes them.
func (w Workbook) Parts() []Part {
	rels := `<Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + nsRel + `/sharedStrings" Target="sharedStrings.xml"/>`
	if w.Styles != "" {
		rels += `<Relationship Id="rId3" Type="` + nsRel + `/styles" Target="styles.xml"/>`
	}
	parts := []Part{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="` + nsPkg + `">` +
			`<Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
			`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="` + nsPkg + `">` +
			rels + `</Relationships>`},
		{"xl/worksheets/sheet1.xml", SheetXML(w.Rows)},
		{"xl/sharedStrings.xml", SharedStringsXML(w.Shared)},
	}
	if w.Styles != "" {
		parts = append(parts, Part{"xl/styles.xml", w.Styles})
	}
	return parts
}

// SheetXML wraps rows (<row> elements) into a worksheet.
func SheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + sheetHead + rows + sheetTail
}

const (
	sheetHead = `<worksheet xmlns="` + nsMain + `"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// SharedStringsXML makes a shared string table.
func SharedStringsXML(items []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="%s" count="%d" uniqueCount="%d">`, nsMain, len(items), len(items))
	for _, s := range items {
		b.WriteString("<si><t>" + s + "</t></si>")
	}
	b.WriteString("</sst>")
	return b.String()
}

// Zip packs parts, deflated; empty ones stored, since a deflate writer costs
// more to make than ten thousand empty parts take to write.
func Zip(parts []Part) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		h := &zip.FileHeader{Name: p.Name, Method: zip.Deflate}
		if p.Data == "" {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		io.WriteString(w, p.Data)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Table returns the <row> elements of a table whose first row is the header, the
// header as shared strings 0, 1, ... (so shared holds it) and the rest as inline
// strings, or numbers where they parse as numbers; row n of the table is sheet row
// n+1. damage, when not empty, replaces the middle row's first cell.
func Table(table [][]string, damage string) (rows string, shared []string) {
	var b strings.Builder
	for i, row := range table {
		fmt.Fprintf(&b, `<row r="%d">`, i+1)
		for j, v := range row {
			ref := colName(j) + strconv.Itoa(i+1)
			switch {
			case j == 0 && i == len(table)/2 && damage != "":
				b.WriteString(strings.ReplaceAll(damage, "{{ref}}", ref))
			case i == 0:
				fmt.Fprintf(&b, `<c r="%s" t="s"><v>%d</v></c>`, ref, len(shared))
				shared = append(shared, xmlText(v))
			case isNumber(v):
				fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, v)
			default:
				fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, xmlText(v))
			}
		}
		b.WriteString("</row>")
	}
	return b.String(), shared
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.HasPrefix(s, "0") || s == "0"
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func colName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// Hostile is a workbook made to break a reader: damaged, a zip bomb, or over a limit.
type Hostile struct {
	Name string // a short name, also the file's base name without .xlsx
	Path string
	Want string // a part of the message that must refuse it
}

// The messages the Hostile workbooks must be refused with, in part.
const (
	WantDamaged     = "open it in Excel and save it again"
	WantSheet       = "the sheet is damaged"
	WantFormula     = "formulas without saved results"
	WantTooLarge    = "unpacks to more than"
	WantPacked      = "packed more than"
	WantControl     = "control character"
	WantNotWorkbook = "not a valid .xlsx workbook"
	WantPassword    = "password-protected"
)

// WriteHostile writes the hostile workbooks into dir, each built around table (a
// header and rows a reader would accept) with the damage in its middle row. The
// zip bombs among them unpack to gigabytes but take a few megabytes on disk and
// a fraction of a second to write.
func WriteHostile(dir string, table [][]string) ([]Hostile, error) {
	clean, shared := Table(table, "")
	book := Workbook{Rows: clean, Shared: shared}
	damaged := func(cell string) []Part {
		rows, shared := Table(table, cell)
		return Workbook{Rows: rows, Shared: shared}.Parts()
	}
	good := book.Parts()
	sheet := good[4].Data
	cut := append([]Part(nil), good...)
	cut[4].Data = sheet[:len(sheet)/2]
	dtd := append([]Part(nil), good...)
	dtd[4].Data = `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` +
		strings.Replace(sheet[strings.Index(sheet, "<worksheet"):], `<v>0</v>`, `<v>0</v><extLst>&b;</extLst>`, 1)
	var out []Hostile
	add := func(name, want string, write func(io.Writer) error) error {
		p := filepath.Join(dir, name+".xlsx")
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		out = append(out, Hostile{name, p, want})
		return f.Close()
	}
	bytesOf := func(b []byte) func(io.Writer) error {
		return func(w io.Writer) error { _, err := w.Write(b); return err }
	}
	partsOf := func(parts []Part) func(io.Writer) error { return bytesOf(Zip(parts)) }
	bomb := func(extra func(*zip.Writer) error, skip string) func(io.Writer) error {
		return func(w io.Writer) error {
			zw := zip.NewWriter(w)
			for _, p := range good {
				if p.Name == skip {
					continue
				}
				f, err := zw.Create(p.Name)
				if err != nil {
					return err
				}
				io.WriteString(f, p.Data)
			}
			if err := extra(zw); err != nil {
				return err
			}
			return zw.Close()
		}
	}
	rowBomb := func(declared uint64) func(*zip.Writer) error {
		return func(zw *zip.Writer) error {
			return WriteRepeated(zw, "xl/worksheets/sheet1.xml", SheetXML("")[:len(SheetXML(""))-len(sheetTail)], "<row/>", sheetTail, 2<<30/6, declared)
		}
	}
	flipped := Zip(good)
	if err := flipDeflate(flipped, "xl/worksheets/sheet1.xml"); err != nil {
		return nil, err
	}
	steps := []struct {
		name, want string
		write      func(io.Writer) error
	}{
		{"deflate", WantDamaged, bytesOf(flipped)},
		{"cut", WantSheet, partsOf(cut)},
		{"entity", WantSheet, partsOf(damaged(`<c r="{{ref}}" t="inlineStr"><is><t>a &foo; b</t></is></c>`))},
		{"dtd", WantSheet, partsOf(dtd)},
		{"shared-index", WantSheet, partsOf(damaged(`<c r="{{ref}}" t="s"><v>99999</v></c>`))},
		{"cell-ref", WantSheet, partsOf(damaged(`<c r="A0"><v>1</v></c>`))},
		{"formula", WantFormula, partsOf(damaged(`<c r="{{ref}}"><f>SUM(B1:B2)</f></c>`))},
		{"nul", WantControl, partsOf(damaged(`<c r="{{ref}}" t="inlineStr"><is><t>06484_x0000_</t></is></c>`))},
		{"row-bomb", WantTooLarge, bomb(rowBomb(0), "xl/worksheets/sheet1.xml")},
		{"lying-bomb", WantDamaged, bomb(rowBomb(1<<20), "xl/worksheets/sheet1.xml")},
		{"unused-entry", WantTooLarge, bomb(func(zw *zip.Writer) error {
			return WriteRepeated(zw, "xl/media/image1.png", "", "\x00", "", 1<<30, 0)
		}, "")},
		{"styles-bomb", WantTooLarge, bomb(func(zw *zip.Writer) error {
			return WriteRepeated(zw, "xl/styles.xml", `<styleSheet xmlns="`+nsMain+`">`, " ", "</styleSheet>", 1<<30, 0)
		}, "")},
		{"long-string", WantPacked, bomb(func(zw *zip.Writer) error {
			return WriteRepeated(zw, "xl/sharedStrings.xml", `<sst xmlns="`+nsMain+`"><si><t>`, "a", "</t></si></sst>", 200<<20, 0)
		}, "xl/sharedStrings.xml")},
		{"not-zip", WantNotWorkbook, bytesOf([]byte("Mã,Tên\n1,2\n"))},
		{"encrypted", WantPassword, bytesOf(append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 4096)...))},
	}
	for _, s := range steps {
		if err := add(s.name, s.want, s.write); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// flipDeflate damages the deflate stream of the named entry in the middle, where a
// reader that stops at the damage has already returned half the rows.
func flipDeflate(archive []byte, name string) error {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			return err
		}
		mid := off + int64(f.CompressedSize64)/2
		for i := mid; i < mid+8; i++ {
			archive[i] ^= 0x5A
		}
		return nil
	}
	return fmt.Errorf("no entry %s", name)
}

// WriteRepeated adds an entry holding head, then unit n times, then tail,
// deflated, in time proportional to its packed size: a zip bomb. declared, when
// not zero, is the unpacked size the archive claims instead of the true one.
//
// Deflate refers back at most 32 KiB, so once that window holds nothing but
// whole units, the packed form of a chunk of units is the same wherever the chunk
// falls, and can be copied n/chunk times. The entry's CRC is left 0, which tells
// readers not to check it: computing it would take longer than the rest, and a
// reader must refuse a bomb long before its end.
func WriteRepeated(zw *zip.Writer, name, head, unit, tail string, n int, declared uint64) error {
	const chunkBytes = 1 << 20
	window := (32<<10)/len(unit) + 1
	chunk := chunkBytes / len(unit)
	if n < window+chunk {
		return fmt.Errorf("%d units: too few to repeat", n)
	}
	copies, rest := (n-window)/chunk, (n-window)%chunk
	var packed bytes.Buffer
	fw, err := flate.NewWriter(&packed, flate.BestCompression)
	if err != nil {
		return err
	}
	take := func() []byte {
		b := bytes.Clone(packed.Bytes())
		packed.Reset()
		return b
	}
	fw.Write([]byte(head + strings.Repeat(unit, window+rest)))
	fw.Flush()
	prefix := take()
	fw.Write([]byte(strings.Repeat(unit, chunk)))
	fw.Flush()
	block := take()
	fw.Write([]byte(tail))
	fw.Close()
	suffix := take()
	if declared == 0 {
		declared = uint64(len(head) + n*len(unit) + len(tail))
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
		CompressedSize64: uint64(len(prefix) + copies*len(block) + len(suffix)), UncompressedSize64: declared})
	if err != nil {
		return err
	}
	w.Write(prefix)
	for range copies {
		w.Write(block)
	}
	_, err = w.Write(suffix)
	return err
}

// RandomText is n bytes of letters that deflate cannot pack much: a cell of pasted
// text that is long but not a bomb.
func RandomText(n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[rng.IntN(63)]
	}
	return string(b)
}

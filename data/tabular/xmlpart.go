package tabular

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"io"
)

// maxXMLDepth bounds element nesting. A cell's text is six levels down (worksheet,
// sheetData, row, c, is, t); encoding/xml keeps a record per open element, so
// millions of nested tags would be held in memory.
const maxXMLDepth = 64

var (
	errTextTooLong = errors.New("a text or tag is too long")
	errDTD         = errors.New("it has a DTD (<!DOCTYPE>), which Excel never writes")
	errTooDeep     = errors.New("elements are nested too deeply")
)

// xmlPart reads one XML part of a workbook strictly: encoding/xml in its default
// strict mode knows only XML's five entities and refuses others, and xmlPart
// refuses DTDs, deep nesting, and any single token longer than maxToken bytes
// (encoding/xml gathers a whole text in memory before returning it, however long).
type xmlPart struct {
	name  string
	rc    io.ReadCloser
	in    *tokenBound
	dec   *xml.Decoder
	depth int
}

func openPart(f *zip.File, maxToken int) (*xmlPart, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	in := &tokenBound{br: bufio.NewReader(rc), max: maxToken}
	return &xmlPart{name: f.Name, rc: rc, in: in, dec: xml.NewDecoder(in)}, nil
}

// token returns the next token, io.EOF after the end of a well-formed document.
func (p *xmlPart) token() (xml.Token, error) {
	p.in.n = 0
	t, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t.(type) {
	case xml.StartElement:
		if p.depth++; p.depth > maxXMLDepth {
			return nil, errTooDeep
		}
	case xml.EndElement:
		p.depth--
	case xml.Directive:
		return nil, errDTD
	}
	return t, nil
}

// drain reads to the end of the document, so that damage after the part that
// matters (a cut-off end) still refuses the file.
func (p *xmlPart) drain() error {
	for {
		if _, err := p.token(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

func (p *xmlPart) close() error { return p.rc.Close() }

// tokenBound counts the bytes the decoder reads for one token. encoding/xml
// reads through ReadByte when its input has it, so the count is exact.
type tokenBound struct {
	br  *bufio.Reader
	n   int
	max int
}

func (b *tokenBound) ReadByte() (byte, error) {
	if b.n++; b.n > b.max {
		return 0, errTextTooLong
	}
	return b.br.ReadByte()
}

func (b *tokenBound) Read(p []byte) (int, error) {
	if b.n >= b.max {
		return 0, errTextTooLong
	}
	n, err := b.br.Read(p[:min(len(p), b.max-b.n)])
	b.n += n
	return n, err
}

// attr returns the value of the attribute with local name name in any namespace
// or none: Strict OOXML puts r:id in a namespace of its own.
func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// each calls fn for every start element of the part, then reads it to its end.
func (p *xmlPart) each(fn func(xml.StartElement) error) error {
	for {
		t, err := p.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := t.(xml.StartElement); ok {
			if err := fn(se); err != nil {
				return err
			}
		}
	}
}

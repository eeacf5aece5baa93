package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"
)

// guardedFiles stands in for Fyne's file repository so that no dialog can write
// over the open database. Fyne's save dialog opens the file it is given for
// writing, and so empties it, before danvan hears which file was chosen: a
// database chosen as an export's name and "overwritten" would be gone before any
// check of ours ran. Every other call goes through to the repository as it was.
type guardedFiles struct {
	files repository.Repository
	// refuse says why name must not be written, or nil: the open database, its
	// journals, anything not a regular file.
	refuse func(name string) error
}

// guardFileDialogs puts guardedFiles in front of the file repository, or gives the
// one there already a new refuse.
func guardFileDialogs(refuse func(name string) error) {
	files, err := repository.ForScheme("file")
	if err != nil {
		fyne.LogError("no file repository to guard", err)
		return
	}
	if g, done := files.(*guardedFiles); done {
		g.refuse = refuse
		return
	}
	repository.Register("file", &guardedFiles{files: files, refuse: refuse})
}

func (g *guardedFiles) check(u fyne.URI) error {
	if u.Scheme() != "file" {
		return nil
	}
	return g.refuse(u.Path())
}

func (g *guardedFiles) Exists(u fyne.URI) (bool, error)               { return g.files.Exists(u) }
func (g *guardedFiles) Reader(u fyne.URI) (fyne.URIReadCloser, error) { return g.files.Reader(u) }
func (g *guardedFiles) CanRead(u fyne.URI) (bool, error)              { return g.files.CanRead(u) }
func (g *guardedFiles) Destroy(scheme string)                         { g.files.Destroy(scheme) }

func (g *guardedFiles) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	w, ok := g.files.(repository.WritableRepository)
	if !ok {
		return nil, repository.ErrOperationNotSupported
	}
	if err := g.check(u); err != nil {
		return nil, err
	}
	return w.Writer(u)
}

func (g *guardedFiles) CanWrite(u fyne.URI) (bool, error) {
	w, ok := g.files.(repository.WritableRepository)
	if !ok {
		return false, nil
	}
	if g.check(u) != nil {
		return false, nil
	}
	return w.CanWrite(u)
}

func (g *guardedFiles) Delete(u fyne.URI) error {
	w, ok := g.files.(repository.WritableRepository)
	if !ok {
		return repository.ErrOperationNotSupported
	}
	if err := g.check(u); err != nil {
		return err
	}
	return w.Delete(u)
}

func (g *guardedFiles) Appender(u fyne.URI) (fyne.URIWriteCloser, error) {
	a, ok := g.files.(repository.AppendableRepository)
	if !ok {
		return nil, repository.ErrOperationNotSupported
	}
	if err := g.check(u); err != nil {
		return nil, err
	}
	return a.Appender(u)
}

func (g *guardedFiles) CanList(u fyne.URI) (bool, error) {
	if l, ok := g.files.(repository.ListableRepository); ok {
		return l.CanList(u)
	}
	return false, nil
}

func (g *guardedFiles) List(u fyne.URI) ([]fyne.URI, error) {
	if l, ok := g.files.(repository.ListableRepository); ok {
		return l.List(u)
	}
	return nil, repository.ErrOperationNotSupported
}

func (g *guardedFiles) CreateListable(u fyne.URI) error {
	if l, ok := g.files.(repository.ListableRepository); ok {
		return l.CreateListable(u)
	}
	return repository.ErrOperationNotSupported
}

func (g *guardedFiles) Parent(u fyne.URI) (fyne.URI, error) {
	if h, ok := g.files.(repository.HierarchicalRepository); ok {
		return h.Parent(u)
	}
	return repository.GenericParent(u)
}

func (g *guardedFiles) Child(u fyne.URI, name string) (fyne.URI, error) {
	if h, ok := g.files.(repository.HierarchicalRepository); ok {
		return h.Child(u, name)
	}
	return repository.GenericChild(u, name)
}

func (g *guardedFiles) Copy(from, to fyne.URI) error {
	if err := g.check(to); err != nil {
		return err
	}
	if c, ok := g.files.(repository.CopyableRepository); ok {
		return c.Copy(from, to)
	}
	return repository.GenericCopy(from, to)
}

func (g *guardedFiles) Move(from, to fyne.URI) error {
	if err := g.check(from); err != nil {
		return err
	}
	if err := g.check(to); err != nil {
		return err
	}
	if m, ok := g.files.(repository.MovableRepository); ok {
		return m.Move(from, to)
	}
	return repository.GenericMove(from, to)
}

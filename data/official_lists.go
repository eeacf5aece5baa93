package data

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"danvan/data/vntext"
)

// ListEntry is one row of an official list of localities (code,name,level,parent_code).
type ListEntry struct {
	Line       int
	Code       string
	Name       string
	Level      string
	ParentCode string
}

// ReformEntry is one row of a reform mapping
// (level,old_code,old_name,new_code,new_name,parts).
type ReformEntry struct {
	Line             int
	Level            string
	OldCode, OldName string
	NewCode, NewName string
	Whole            bool
}

// FileError locates a problem in an input file.
type FileError struct {
	File   string
	Line   int
	Column string
	Value  string
	Msg    string
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %q", e.Column)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, ": %q", e.Value)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// readCSV reads a small UTF-8 CSV with a required header and calls row for each
// record with a column accessor. Official lists are machine-made, so unlike the
// report importer this reader is strict.
func readCSV(name string, r io.Reader, want []string, row func(line int, get func(col string) string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return &FileError{File: name, Msg: "file is empty; expected a header row " + strings.Join(want, ",")}
	}
	if err != nil {
		return csvError(name, err)
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, w := range want {
		if _, ok := idx[w]; !ok {
			return &FileError{File: name, Line: 1, Value: strings.Join(header, ","), Msg: "header lacks column " + w + "; expected " + strings.Join(want, ",")}
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(col string) string {
			i := idx[col]
			if i >= len(rec) {
				return ""
			}
			return vntext.NFC(strings.TrimSpace(rec[i]))
		}
		if err := row(line, get); err != nil {
			return err
		}
	}
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{File: name, Line: pe.StartLine, Msg: pe.Err.Error()}
	}
	return &FileError{File: name, Msg: err.Error()}
}

// ReadLocalityList reads an official list in the shipped format.
func ReadLocalityList(name string, r io.Reader) ([]ListEntry, error) {
	var out []ListEntry
	err := readCSV(name, r, []string{"code", "name", "level", "parent_code"}, func(line int, get func(string) string) error {
		e := ListEntry{Line: line, Code: get("code"), Name: get("name"), Level: get("level"), ParentCode: get("parent_code")}
		for col, v := range map[string]string{"code": e.Code, "name": e.Name, "level": e.Level} {
			if v == "" {
				return &FileError{File: name, Line: line, Column: col, Msg: "is empty; every locality needs a code, a name and a level"}
			}
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// ReadReformMapping reads a reform mapping in the shipped format.
func ReadReformMapping(name string, r io.Reader) ([]ReformEntry, error) {
	var out []ReformEntry
	err := readCSV(name, r, []string{"level", "old_code", "old_name", "new_code", "new_name", "parts"}, func(line int, get func(string) string) error {
		e := ReformEntry{Line: line, Level: get("level"), OldCode: get("old_code"), OldName: get("old_name"), NewCode: get("new_code"), NewName: get("new_name")}
		switch get("parts") {
		case "whole":
			e.Whole = true
		case "part":
		default:
			return &FileError{File: name, Line: line, Column: "parts", Value: get("parts"), Msg: "must be whole or part"}
		}
		if e.OldCode == "" || e.NewCode == "" {
			return &FileError{File: name, Line: line, Msg: "old_code and new_code are required"}
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// ListChange is what loading a list does to one locality.
type ListChange struct {
	Kind ChangeKind
	Code string
	Old  string // name before (closed, renamed)
	New  string // name after (opened, renamed)
}

// ChangeKind classifies a ListChange.
type ChangeKind string

// What a list load does to a locality.
const (
	Opened  ChangeKind = "open"
	Closed  ChangeKind = "close"
	Renamed ChangeKind = "rename"
)

// ListSummary tells what a list load did (or, in a dry run, would do).
type ListSummary struct {
	ValidFrom            time.Time
	Kept, Opened, Closed int
	Renamed              int
	Changes              []ListChange // opened, closed and renamed localities
	Skipped              int          // rows outside the chosen provinces
	DryRun               bool
}

// LoadOptions narrow a list load.
type LoadOptions struct {
	// Only keeps the listed top-level codes and everything under them: a headquarters
	// may hold just the provinces it covers.
	Only   []string
	DryRun bool
}

// LoadLocalityList makes entries the localities in force from validFrom. A locality
// already in force with the same code, level, parent and name carries on unchanged;
// any other locality in force is closed the day before, and new ones are opened. A
// changed name is recorded as a closed and a new version linked as successor, so old
// reports keep their old name. The whole load is one transaction.
func (s *Store) LoadLocalityList(ctx context.Context, validFrom time.Time, entries []ListEntry, opt LoadOptions) (ListSummary, error) {
	sum := ListSummary{ValidFrom: validFrom, DryRun: opt.DryRun}
	entries, skipped, err := selectEntries(entries, opt.Only)
	if err != nil {
		return sum, err
	}
	sum.Skipped = skipped
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := loadList(ctx, tx, validFrom, entries, &sum); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return sum, err
}

// errDryRun rolls back a transaction whose effects were only to be counted.
var errDryRun = errors.New("dry run")

// selectEntries checks the list's own consistency and keeps the subtrees of only,
// parents first.
func selectEntries(entries []ListEntry, only []string) ([]ListEntry, int, error) {
	byCode := make(map[string]ListEntry, len(entries))
	for _, e := range entries {
		if prev, dup := byCode[e.Code]; dup {
			return nil, 0, fmt.Errorf("line %d: code %s appears again (first on line %d); a list holds each code once", e.Line, e.Code, prev.Line)
		}
		byCode[e.Code] = e
	}
	for _, e := range entries {
		if e.ParentCode != "" {
			if _, ok := byCode[e.ParentCode]; !ok {
				return nil, 0, fmt.Errorf("line %d: parent_code %s of %s is not in the list", e.Line, e.ParentCode, e.Name)
			}
		}
	}
	root := func(e ListEntry) string {
		for i := 0; e.ParentCode != "" && i < len(entries); i++ {
			e = byCode[e.ParentCode]
		}
		if e.ParentCode != "" {
			return "" // a cycle
		}
		return e.Code
	}
	depth := func(e ListEntry) int {
		d := 0
		for ; e.ParentCode != "" && d <= len(entries); d++ {
			e = byCode[e.ParentCode]
		}
		return d
	}
	var kept []ListEntry
	for _, e := range entries {
		r := root(e)
		if r == "" {
			return nil, 0, fmt.Errorf("line %d: %s is its own ancestor through parent_code", e.Line, e.Code)
		}
		if len(only) == 0 || slices.Contains(only, r) {
			kept = append(kept, e)
		}
	}
	if len(only) > 0 {
		for _, code := range only {
			if _, ok := byCode[code]; !ok {
				return nil, 0, fmt.Errorf("code %s given to keep is not in the list", code)
			}
		}
	}
	slices.SortStableFunc(kept, func(a, b ListEntry) int { return depth(a) - depth(b) })
	return kept, len(entries) - len(kept), nil
}

func loadList(ctx context.Context, tx *sql.Tx, validFrom time.Time, entries []ListEntry, sum *ListSummary) error {
	open, err := queryLocalities(ctx, tx, "SELECT "+localityColumns+" FROM locality WHERE valid_to IS NULL")
	if err != nil {
		return err
	}
	openByCode := make(map[string]Locality, len(open))
	for _, l := range open {
		if l.ValidFrom.After(validFrom) {
			return fmt.Errorf("the database already holds %s %s in force from %s; load lists in date order, the oldest first", l.Code, l.Name, day(l.ValidFrom))
		}
		openByCode[l.Code] = l
	}
	// First pass: which localities carry on. Parents come first, so a child can carry
	// on only if its parent did.
	keptID := map[string]int64{}
	for _, e := range entries {
		old, ok := openByCode[e.Code]
		if !ok || old.Level != e.Level || !vntext.SameName(old.Name, e.Name) {
			continue
		}
		parent := int64(0)
		if e.ParentCode != "" {
			parent = keptID[e.ParentCode]
			if parent == 0 {
				continue
			}
		}
		if parent == old.ParentID {
			keptID[e.Code] = old.ID
		}
	}
	// Close what does not carry on, before opening new rows that may reuse codes.
	dayBefore := validFrom.AddDate(0, 0, -1)
	closed := map[string]Locality{}
	for _, l := range open {
		if keptID[l.Code] == l.ID {
			sum.Kept++
			continue
		}
		if !l.ValidFrom.Before(validFrom) {
			// Loading the same list again keeps what it opened; a locality opened on
			// that very day but missing from the list cannot be closed before it began.
			return fmt.Errorf("%s %s came into force on %s and is not in this list; delete it, or load the list with a later date", l.Code, l.Name, day(l.ValidFrom))
		}
		if _, err := tx.ExecContext(ctx, "UPDATE locality SET valid_to = ? WHERE id = ?", day(dayBefore), l.ID); err != nil {
			return err
		}
		closed[l.Code] = l
	}
	ids := map[string]int64{}
	for code, id := range keptID {
		ids[code] = id
	}
	insert, err := tx.PrepareContext(ctx, "INSERT INTO locality(code, name, level, parent_id, valid_from) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer insert.Close()
	for _, e := range entries {
		if _, kept := keptID[e.Code]; kept {
			continue
		}
		var parent any
		if e.ParentCode != "" {
			parent = ids[e.ParentCode]
		}
		res, err := insert.ExecContext(ctx, e.Code, e.Name, e.Level, parent, day(validFrom))
		if err != nil {
			return fmt.Errorf("line %d: %s %s: %w", e.Line, e.Code, e.Name, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		ids[e.Code] = id
		old, wasOpen := closed[e.Code]
		if wasOpen && old.Level == e.Level && !vntext.SameName(old.Name, e.Name) && sameParentCode(ctx, tx, old, e) {
			// Same code, same place, new name: a rename. Link the versions so results
			// add up across it.
			if _, err := tx.ExecContext(ctx, "INSERT INTO locality_successor(old_id, new_id, whole) VALUES (?, ?, 1)", old.ID, id); err != nil {
				return err
			}
			sum.Renamed++
			sum.Changes = append(sum.Changes, ListChange{Kind: Renamed, Code: e.Code, Old: old.Name, New: e.Name})
			delete(closed, e.Code)
			continue
		}
		sum.Opened++
		sum.Changes = append(sum.Changes, ListChange{Kind: Opened, Code: e.Code, New: e.Name})
	}
	for _, l := range closed {
		sum.Closed++
		sum.Changes = append(sum.Changes, ListChange{Kind: Closed, Code: l.Code, Old: l.Name})
	}
	slices.SortFunc(sum.Changes, func(a, b ListChange) int {
		return strings.Compare(string(a.Kind)+a.Code, string(b.Kind)+b.Code)
	})
	return nil
}

// sameParentCode reports whether the closed locality old sat under the locality that
// the list names as e's parent.
func sameParentCode(ctx context.Context, tx *sql.Tx, old Locality, e ListEntry) bool {
	if old.ParentID == 0 || e.ParentCode == "" {
		return old.ParentID == 0 && e.ParentCode == ""
	}
	var code string
	if err := tx.QueryRowContext(ctx, "SELECT code FROM locality WHERE id = ?", old.ParentID).Scan(&code); err != nil {
		return false
	}
	return code == e.ParentCode
}

// ReformSummary tells what applying a reform mapping did.
type ReformSummary struct {
	Date      time.Time
	Linked    int      // successor links written
	Unchanged int      // rows whose old and new are the same locality
	Missing   int      // rows naming a locality this database does not hold
	Examples  []string // a few of the missing rows, to show the user
	DryRun    bool
}

// ApplyReform records the successor links of a reform that took effect on date:
// each old code is resolved the day before, each new code on the day. Rows naming
// localities outside this database (another province, or units dissolved earlier)
// are counted and skipped.
func (s *Store) ApplyReform(ctx context.Context, date time.Time, entries []ReformEntry, dryRun bool) (ReformSummary, error) {
	sum := ReformSummary{Date: date, DryRun: dryRun}
	err := s.write(ctx, func(tx *sql.Tx) error {
		up, err := tx.PrepareContext(ctx, `INSERT INTO locality_successor(old_id, new_id, whole) VALUES (?, ?, ?)
			ON CONFLICT(old_id, new_id) DO UPDATE SET whole = excluded.whole`)
		if err != nil {
			return err
		}
		defer up.Close()
		before := date.AddDate(0, 0, -1)
		for _, e := range entries {
			old, errOld := localityByCode(ctx, tx, e.OldCode, before)
			nu, errNew := localityByCode(ctx, tx, e.NewCode, date)
			if errors.Is(errOld, ErrNotFound) || errors.Is(errNew, ErrNotFound) {
				sum.Missing++
				if len(sum.Examples) < 5 {
					sum.Examples = append(sum.Examples, fmt.Sprintf("line %d: %s %s -> %s %s", e.Line, e.OldCode, e.OldName, e.NewCode, e.NewName))
				}
				continue
			}
			if err := errors.Join(errOld, errNew); err != nil {
				return err
			}
			if old.ID == nu.ID {
				sum.Unchanged++
				continue
			}
			if old.ValidTo.IsZero() || !old.ValidTo.Equal(before) {
				return fmt.Errorf("line %d: %s %s is still in force on %s; load the new official list with --valid-from %s before the mapping", e.Line, old.Code, old.Name, day(date), day(date))
			}
			if _, err := up.ExecContext(ctx, old.ID, nu.ID, e.Whole); err != nil {
				return fmt.Errorf("line %d: %w", e.Line, err)
			}
			sum.Linked++
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return sum, err
}

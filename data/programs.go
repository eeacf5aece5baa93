package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"danvan/data/message"
	"danvan/data/period"
)

// What an officer editing programs and their targets can be told.
var (
	msgProgramEndsFirst   = message.New("program {{.Code}} ends ({{.End}}) before it starts ({{.Start}})")
	msgIndicatorNoContent = message.New("indicator {{.Code}} is under key content {{.Content}}, which the program does not have")
	msgProgramNotFound    = message.New("program {{.Code}} was not found")
	msgTargetNegative     = message.New("the target for {{.Period}} is negative or not a number ({{.Value}})")
)

// Program is a coordination program signed by units with local committees,
// authorities and mass organisations.
type Program struct {
	ID          int64
	Code        string
	Title       string
	Parties     string // who signed it, as written in the program
	Start, End  time.Time
	PeriodType  period.Type // how often units report
	Description string
	Contents    []KeyContent
	Indicators  []ProgramIndicator
	UnitIDs     []int64 // participating units, expected to report every period
}

// KeyContent is one of a program's ordered key contents.
type KeyContent struct {
	ID       int64
	Position int
	Title    string
}

// ProgramIndicator is an indicator a program tracks, under one of its key contents.
type ProgramIndicator struct {
	Indicator
	KeyContent int // position of the key content; 0 for none
}

// Periods lists the program's reporting periods.
func (p Program) Periods() []period.Period {
	return period.Range(period.Of(p.PeriodType, p.Start), period.Of(p.PeriodType, p.End), p.PeriodType)
}

// SaveProgram inserts a program, or replaces the one with the same code, together with
// its key contents, indicators and units, in one transaction. Targets are kept.
func (s *Store) SaveProgram(ctx context.Context, p Program) (Program, error) {
	if p.End.Before(p.Start) {
		return p, msgProgramEndsFirst.With("Code", p.Code, "End", dmy(p.End), "Start", dmy(p.Start)).Err()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO program(code, title, parties, start_date, end_date, period_type, description)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(code) DO UPDATE SET title = excluded.title, parties = excluded.parties, start_date = excluded.start_date,
				end_date = excluded.end_date, period_type = excluded.period_type, description = excluded.description
			RETURNING id`, p.Code, p.Title, p.Parties, day(p.Start), day(p.End), p.PeriodType.String(), p.Description).Scan(&p.ID)
		if err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM program_indicator WHERE program_id = ?", "DELETE FROM key_content WHERE program_id = ?", "DELETE FROM program_unit WHERE program_id = ?"} {
			if _, err := tx.ExecContext(ctx, q, p.ID); err != nil {
				return err
			}
		}
		contentIDs := map[int]int64{}
		for i := range p.Contents {
			c := &p.Contents[i]
			if c.Position == 0 {
				c.Position = i + 1
			}
			if err := tx.QueryRowContext(ctx, "INSERT INTO key_content(program_id, position, title) VALUES (?, ?, ?) RETURNING id", p.ID, c.Position, c.Title).Scan(&c.ID); err != nil {
				return fmt.Errorf("key content %d: %w", c.Position, err)
			}
			contentIDs[c.Position] = c.ID
		}
		for i, in := range p.Indicators {
			var content any
			if in.KeyContent != 0 {
				id, ok := contentIDs[in.KeyContent]
				if !ok {
					return msgIndicatorNoContent.With("Code", in.Code, "Content", strconv.Itoa(in.KeyContent)).Err()
				}
				content = id
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO program_indicator(program_id, indicator_id, key_content_id, position) VALUES (?, ?, ?, ?)", p.ID, in.ID, content, i+1); err != nil {
				return fmt.Errorf("indicator %s: %w", in.Code, err)
			}
		}
		for _, u := range p.UnitIDs {
			if _, err := tx.ExecContext(ctx, "INSERT INTO program_unit(program_id, unit_id) VALUES (?, ?)", p.ID, u); err != nil {
				return fmt.Errorf("unit #%d: %w", u, err)
			}
		}
		return nil
	})
	if m := (*message.Error)(nil); errors.As(err, &m) {
		return p, err // already says what is wrong, in words the GUI translates
	}
	if err != nil {
		return p, fmt.Errorf("save program %s: %w", p.Code, err)
	}
	return p, nil
}

// Programs lists the programs by start date, newest first, without their details.
func (s *Store) Programs(ctx context.Context) ([]Program, error) {
	return queryAll(ctx, s.ro, scanProgram, "SELECT "+programColumns+" FROM program ORDER BY start_date DESC, code")
}

const programColumns = "id, code, title, parties, start_date, end_date, period_type, description"

func scanProgram(sc interface{ Scan(...any) error }) (Program, error) {
	var p Program
	var start, end, pt string
	if err := sc.Scan(&p.ID, &p.Code, &p.Title, &p.Parties, &start, &end, &pt, &p.Description); err != nil {
		return p, err
	}
	p.Start, _ = time.Parse(DateLayout, start)
	p.End, _ = time.Parse(DateLayout, end)
	t, err := period.ParseType(pt)
	p.PeriodType = t
	return p, err
}

// ProgramByCode loads a program with its key contents, indicators and units.
func (s *Store) ProgramByCode(ctx context.Context, code string) (Program, error) {
	p, err := scanProgram(s.ro.QueryRowContext(ctx, "SELECT "+programColumns+" FROM program WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return p, msgProgramNotFound.With("Code", code).Wrap(ErrNotFound)
	}
	if err != nil {
		return p, err
	}
	return p, s.programDetails(ctx, &p)
}

func (s *Store) programDetails(ctx context.Context, p *Program) error {
	var err error
	p.Contents, err = queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (KeyContent, error) {
		var c KeyContent
		return c, sc.Scan(&c.ID, &c.Position, &c.Title)
	}, "SELECT id, position, title FROM key_content WHERE program_id = ? ORDER BY position", p.ID)
	if err != nil {
		return err
	}
	p.Indicators, err = queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (ProgramIndicator, error) {
		var pi ProgramIndicator
		err := sc.Scan(&pi.ID, &pi.Code, &pi.Name, &pi.Unit, &pi.Rollup, &pi.Decimals, &pi.KeyContent)
		return pi, err
	}, `SELECT i.id, i.code, i.name, i.unit, i.rollup, i.decimals, COALESCE(k.position, 0)
		FROM program_indicator pi JOIN indicator i ON i.id = pi.indicator_id
		LEFT JOIN key_content k ON k.id = pi.key_content_id
		WHERE pi.program_id = ? ORDER BY pi.position`, p.ID)
	if err != nil {
		return err
	}
	p.UnitIDs, err = queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, "SELECT unit_id FROM program_unit WHERE program_id = ? ORDER BY unit_id", p.ID)
	return err
}

// Target is a program's goal for one indicator, locality and period.
type Target struct {
	IndicatorID int64
	LocalityID  int64
	Period      period.Period
	Value       float64
}

// SetTargets writes targets of a program in one transaction, replacing existing ones
// with the same key.
func (s *Store) SetTargets(ctx context.Context, programID int64, targets []Target) error {
	return s.write(ctx, func(tx *sql.Tx) error { return setTargets(ctx, tx, programID, targets) })
}

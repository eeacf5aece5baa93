-- danvan schema, version 3: the data-quality gate.
--
-- A program's rules are data, of a small closed grammar, never code per rule:
--   range     min <= A <= max, for one locality and one period of the program's type
--   at_most   A <= B * factor   (value of gratitude houses at most 100 million a house)
--   only_if   A > 0 only if B > 0
--   at_least  A >= B
-- A rule between two indicators compares values of the same locality, period and
-- unit. position keeps the order the officer wrote them in.
CREATE TABLE quality_rule (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES program(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('range', 'at_most', 'only_if', 'at_least')),
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    other_id     INTEGER REFERENCES indicator(id),
    min          REAL,
    max          REAL,
    factor       REAL,
    CHECK ((kind = 'range') = (other_id IS NULL)),
    CHECK (other_id IS NULL OR other_id <> indicator_id),
    CHECK (kind <> 'range' OR (min >= 0 AND max >= min)),
    CHECK (kind <> 'at_most' OR factor > 0)
);
CREATE INDEX quality_rule_by_program ON quality_rule(program_id, position);
CREATE UNIQUE INDEX quality_rule_one_range ON quality_rule(program_id, indicator_id) WHERE kind = 'range';

-- A broken rule someone accepted: an import with its warnings accepted, or a data
-- entry saved after the question. The rule is kept in words (an English message
-- template and its arguments, which the GUI translates) as it read when accepted:
-- rules are edited and replaced, what was accepted is not. status is 'open' until
-- an officer has checked the figure and says so, with a comment.
CREATE TABLE quality_warning (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES program(id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
    locality_id  INTEGER NOT NULL REFERENCES locality(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    period       TEXT NOT NULL,
    value        REAL NOT NULL,
    template     TEXT NOT NULL,
    args         TEXT NOT NULL DEFAULT '{}', -- JSON object
    source       TEXT NOT NULL CHECK (source IN ('import', 'entry', 'demo')),
    batch_id     INTEGER REFERENCES import_batch(id),
    accepted_by  TEXT NOT NULL DEFAULT '',
    accepted_at  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'checked')),
    comment      TEXT NOT NULL DEFAULT '',
    checked_by   TEXT,
    checked_at   TEXT
);
CREATE INDEX quality_warning_by_status ON quality_warning(status, program_id);
CREATE INDEX quality_warning_by_key ON quality_warning(indicator_id, locality_id, period, unit_id);

-- danvan schema, version 1.
--
-- Dates are ISO-8601 text (YYYY-MM-DD): they sort and compare correctly as text and
-- read well in the sqlite3 shell. Periods are stored both as their canonical DHIS2 id
-- (2024Q3) and as their first and last day, so range queries need no parsing.

-- 'DANV' in ASCII: marks the file as a danvan database.
PRAGMA application_id = 1145130582;

-- A locality is one version of an administrative unit: when a unit is renamed, moved
-- or merged, the old row is closed (valid_to) and a new row opened. Codes are reused
-- by the 2025 reform for other communes, so a code is unique only among rows valid on
-- the same day (enforced by the triggers below), never globally.
CREATE TABLE locality (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL CHECK (code <> ''),
    name       TEXT NOT NULL CHECK (name <> ''),
    level      TEXT NOT NULL CHECK (level <> ''),
    parent_id  INTEGER REFERENCES locality(id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT, -- last day in force; NULL while in force
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX locality_by_code ON locality(code, valid_from);
CREATE INDEX locality_by_parent ON locality(parent_id);

CREATE TRIGGER locality_code_unique_insert BEFORE INSERT ON locality
WHEN EXISTS (
    SELECT 1 FROM locality o
    WHERE o.code = NEW.code
      AND o.valid_from <= COALESCE(NEW.valid_to, '9999-12-31')
      AND NEW.valid_from <= COALESCE(o.valid_to, '9999-12-31'))
BEGIN
    SELECT RAISE(ABORT, 'locality code already used by another locality on an overlapping date');
END;

CREATE TRIGGER locality_code_unique_update BEFORE UPDATE OF code, valid_from, valid_to ON locality
WHEN EXISTS (
    SELECT 1 FROM locality o
    WHERE o.code = NEW.code AND o.id <> NEW.id
      AND o.valid_from <= COALESCE(NEW.valid_to, '9999-12-31')
      AND NEW.valid_from <= COALESCE(o.valid_to, '9999-12-31'))
BEGIN
    SELECT RAISE(ABORT, 'locality code already used by another locality on an overlapping date');
END;

-- Successor links carry results across a reform. whole = 1: all of old went into new;
-- whole = 0: old was split and new received a part (one row per part).
CREATE TABLE locality_successor (
    old_id INTEGER NOT NULL REFERENCES locality(id) ON DELETE CASCADE,
    new_id INTEGER NOT NULL REFERENCES locality(id) ON DELETE CASCADE,
    whole  INTEGER NOT NULL CHECK (whole IN (0, 1)),
    PRIMARY KEY (old_id, new_id),
    CHECK (old_id <> new_id)
) WITHOUT ROWID;
CREATE INDEX locality_successor_by_new ON locality_successor(new_id);

-- Reporting units: military region > provincial command > regiment, district command...
CREATE TABLE unit (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name        TEXT NOT NULL CHECK (name <> ''),
    parent_id   INTEGER REFERENCES unit(id),
    locality_id INTEGER REFERENCES locality(id),
    valid_from  TEXT NOT NULL DEFAULT '1900-01-01',
    valid_to    TEXT,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX unit_by_parent ON unit(parent_id);

CREATE TABLE indicator (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name     TEXT NOT NULL CHECK (name <> ''),
    unit     TEXT NOT NULL,
    rollup   TEXT NOT NULL CHECK (rollup IN ('sum', 'last', 'max')),
    decimals INTEGER NOT NULL DEFAULT 0 CHECK (decimals BETWEEN 0 AND 6)
);

CREATE TABLE program (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (code <> ''),
    title       TEXT NOT NULL CHECK (title <> ''),
    parties     TEXT NOT NULL DEFAULT '',
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    period_type TEXT NOT NULL CHECK (period_type IN ('month', 'quarter', 'half', 'year')),
    description TEXT NOT NULL DEFAULT '',
    CHECK (end_date >= start_date)
);

CREATE TABLE key_content (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES program(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL CHECK (title <> ''),
    UNIQUE (program_id, position)
);

CREATE TABLE program_indicator (
    program_id     INTEGER NOT NULL REFERENCES program(id) ON DELETE CASCADE,
    indicator_id   INTEGER NOT NULL REFERENCES indicator(id),
    key_content_id INTEGER REFERENCES key_content(id) ON DELETE SET NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (program_id, indicator_id)
) WITHOUT ROWID;
CREATE INDEX program_indicator_by_indicator ON program_indicator(indicator_id);

-- Units expected to report for every period of the program.
CREATE TABLE program_unit (
    program_id INTEGER NOT NULL REFERENCES program(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES unit(id),
    PRIMARY KEY (program_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX program_unit_by_unit ON program_unit(unit_id);

CREATE TABLE target (
    program_id   INTEGER NOT NULL REFERENCES program(id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    locality_id  INTEGER NOT NULL REFERENCES locality(id),
    period       TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    value        REAL NOT NULL CHECK (value >= 0),
    PRIMARY KEY (program_id, indicator_id, locality_id, period)
) WITHOUT ROWID;
CREATE INDEX target_by_locality ON target(locality_id);
-- Charts read one indicator's targets over a date range, like values.
CREATE INDEX target_by_indicator_date ON target(program_id, indicator_id, period_start, period_end, locality_id, value);

CREATE TABLE import_batch (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    unit_id     INTEGER REFERENCES unit(id),
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL DEFAULT '',
    rows        INTEGER NOT NULL DEFAULT 0,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    -- The first and last day of the periods the batch wrote: undo looks for the
    -- values it added in that range only.
    period_from TEXT,
    period_to   TEXT,
    status      TEXT NOT NULL CHECK (status IN ('committed', 'undone'))
);
CREATE INDEX import_batch_by_sha ON import_batch(sha256);

-- Cells of a file being imported that wait for the file's number style, known only
-- at its end. Written and emptied inside the import's transaction: always empty
-- outside it. On disk rather than in temp, so a file of any size fits.
CREATE TABLE import_held (
    n        INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL,
    item     BLOB NOT NULL
);

-- One row per key. unit_id is part of the key: two units may report for the same
-- commune, and both reports count. The key starts with the indicator and the dates
-- because that is how every chart reads (one indicator over a date range), so the
-- table is its own covering index; period_start and period_end identify the period
-- (each period type has its own length), and period keeps its readable id.
-- There is no other index: each one would cost every import a B-tree insert per
-- value, the single largest cost of importing. Reads by locality (merge, delete
-- checks) go through the key with the dates they need.
CREATE TABLE value (
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    locality_id  INTEGER NOT NULL REFERENCES locality(id),
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    period       TEXT NOT NULL,
    value        REAL NOT NULL CHECK (value >= 0),
    note         TEXT NOT NULL DEFAULT '',
    batch_id     INTEGER REFERENCES import_batch(id),
    -- NULL for a value as its import batch wrote it: the batch's imported_at says
    -- when. Twenty bytes fewer per row make every chart's scan a quarter shorter.
    changed_at   TEXT,
    PRIMARY KEY (indicator_id, period_start, period_end, locality_id, unit_id)
) WITHOUT ROWID;

-- When each unit's report for a period first arrived, per indicator: what the
-- completeness view shows, and how data entry finds a unit's latest report without
-- reading millions of values. Written with every write of values; a later
-- correction does not move the date.
CREATE TABLE report_received (
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    period       TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    first_at     TEXT NOT NULL,
    PRIMARY KEY (unit_id, indicator_id, period)
) WITHOUT ROWID;

-- Audit trail: every change to a value, with who, when, old and new, and the source.
-- One kind of change is not stored here: a value an import added where there was
-- none. Its batch already says who and when, and the value row (or the old_value
-- of the next change) says what, so History puts it back together; storing it
-- would double the cost of every import.
CREATE TABLE value_history (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL,
    locality_id  INTEGER NOT NULL,
    period       TEXT NOT NULL,
    unit_id      INTEGER NOT NULL,
    old_value    REAL,   -- NULL: the value did not exist
    new_value    REAL,   -- NULL: the value was deleted
    old_note     TEXT,
    new_note     TEXT,
    old_batch_id INTEGER,
    source       TEXT NOT NULL, -- 'import', 'entry', 'undo', 'merge', 'demo'
    batch_id     INTEGER,
    changed_by   TEXT NOT NULL DEFAULT '',
    changed_at   TEXT NOT NULL
);
CREATE INDEX value_history_by_key ON value_history(indicator_id, locality_id, period, unit_id);
CREATE INDEX value_history_by_batch ON value_history(batch_id);

-- A revision number bumped by every change to localities or their links, so readers
-- can cache the locality graph (14,000 rows) and know exactly when to reload it,
-- whichever process made the change.
CREATE TABLE locality_revision (rev INTEGER NOT NULL);
INSERT INTO locality_revision(rev) VALUES (0);
CREATE TRIGGER locality_rev_insert AFTER INSERT ON locality BEGIN UPDATE locality_revision SET rev = rev + 1; END;
CREATE TRIGGER locality_rev_update AFTER UPDATE ON locality BEGIN UPDATE locality_revision SET rev = rev + 1; END;
CREATE TRIGGER locality_rev_delete AFTER DELETE ON locality BEGIN UPDATE locality_revision SET rev = rev + 1; END;
CREATE TRIGGER successor_rev_insert AFTER INSERT ON locality_successor BEGIN UPDATE locality_revision SET rev = rev + 1; END;
CREATE TRIGGER successor_rev_update AFTER UPDATE ON locality_successor BEGIN UPDATE locality_revision SET rev = rev + 1; END;
CREATE TRIGGER successor_rev_delete AFTER DELETE ON locality_successor BEGIN UPDATE locality_revision SET rev = rev + 1; END;

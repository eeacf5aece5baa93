-- danvan schema, version 2.
--
-- The same bytes mean other figures when read with another report period, reporting
-- unit or sheet (a unit sending an all-zero report every month is the common case):
-- a file is "already imported" only when it was read with the same defaults too.
-- Empty for the batches of version 1, which were told apart by their bytes alone.
ALTER TABLE import_batch ADD COLUMN defaults TEXT NOT NULL DEFAULT '';

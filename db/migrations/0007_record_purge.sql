-- Retention: when a record's file was deleted after it had been exported (`mrscreen purge`). The
-- row, its checksums and the audit chain stay; only the file goes.
ALTER TABLE records ADD COLUMN purged_at TEXT;

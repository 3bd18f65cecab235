-- From this version on, staff.added and staff.pin_reset events carry the sha256 of the account's
-- stored PIN hash, and `audit verify` compares it with the staff table. For the accounts that exist
-- at the upgrade, the program appends one "staff.baseline" event each inside this migration's
-- transaction (SQLite has no sha256; see SqliteStore::appendStaffBaseline). This file only marks the step.
SELECT 1;

-- The SHA-256 of a record's content (what its QR code carries), so `mrscreen verify` can match a
-- file, or a printed copy, to the content that was filed.
ALTER TABLE records ADD COLUMN content_sha256 TEXT NOT NULL DEFAULT '';

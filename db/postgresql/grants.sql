-- What the application role (kiosks and stations: mrscreen_app) may do, applied by the schema's
-- owner after the migrations (`mrscreen store migrate`, and the tests' server): read and write what
-- screening needs, never DELETE anything, and only read and append the audit trail (an UPDATE,
-- DELETE or TRUNCATE there is refused by the server). Idempotent.
GRANT USAGE ON SCHEMA public TO mrscreen_app;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO mrscreen_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM mrscreen_app;
GRANT SELECT, INSERT ON audit TO mrscreen_app;
REVOKE UPDATE ON schema_migrations FROM mrscreen_app;
REVOKE INSERT ON schema_migrations FROM mrscreen_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mrscreen_app;
-- Its writes run the contrast_waiting triggers (0004), also where a site revoked EXECUTE from PUBLIC.
GRANT EXECUTE ON FUNCTION contrast_waiting_of(BIGINT) TO mrscreen_app;
-- Presence (0002): each kiosk and station writes its own row; rows are replaced, never deleted.
GRANT SELECT, INSERT, UPDATE ON stations TO mrscreen_app;

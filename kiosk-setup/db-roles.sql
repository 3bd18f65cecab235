-- The database and its two roles on a department's PostgreSQL server, run by
-- kiosk-setup/install.sh --role server as PostgreSQL's superuser through psql, which first sets
-- the psql variable app_password (from /etc/mrscreen/db-password, on stdin: never on a command
-- line). Safe to run again: what exists is kept, the roles' rights and password are set again.
--   mrscreen_owner  owns the database and the schema, runs `mrscreen store migrate`; no password:
--                   it logs in only over the local socket, as root (pg_ident.conf maps it).
--   mrscreen_app    kiosks and stations: may connect and use the schema, nothing more here; its
--                   rights on the tables come from db/postgresql/grants.sql (applied by migrate),
--                   where the audit table is INSERT and SELECT only.
\set ON_ERROR_STOP on
-- The statement that sets the password is not written to the server's log.
SET log_statement = 'none';
SELECT 'CREATE ROLE mrscreen_owner LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mrscreen_owner') \gexec
SELECT 'CREATE ROLE mrscreen_app LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mrscreen_app') \gexec
ALTER ROLE mrscreen_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD NULL;
ALTER ROLE mrscreen_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
    CONNECTION LIMIT 200 PASSWORD :'app_password';
SELECT 'CREATE DATABASE mrscreen OWNER mrscreen_owner ENCODING ''UTF8'' LOCALE ''C.UTF-8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'mrscreen') \gexec
REVOKE ALL ON DATABASE mrscreen FROM PUBLIC;
GRANT CONNECT ON DATABASE mrscreen TO mrscreen_owner, mrscreen_app;
\connect mrscreen
ALTER SCHEMA public OWNER TO mrscreen_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO mrscreen_app;

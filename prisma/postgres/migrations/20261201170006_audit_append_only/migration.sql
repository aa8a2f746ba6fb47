-- The audit log is append-only: the database itself refuses to change or remove an event (TRUNCATE
-- included), whatever code or script runs the statement.
-- The body is an E'' string with \073 (octal for the semicolon): Prisma's PostgreSQL adapter runs a migration
-- by splitting it at every semicolon, which would cut a $$-quoted body in half (so none in comments either).
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''AuditEvent is append-only'' USING ERRCODE = ''insufficient_privilege''\073 END';

CREATE TRIGGER "AuditEvent_no_update_or_delete" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();

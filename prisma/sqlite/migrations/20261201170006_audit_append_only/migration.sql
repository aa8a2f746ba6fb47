-- The audit log is append-only: the database itself refuses to change or remove an event, whatever code
-- or script runs the statement. (A table rebuild in a later migration drops these triggers with the old
-- table; tests/audit/append-only.test.ts fails if that happens.)
CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent"
BEGIN
  SELECT RAISE(ABORT, 'AuditEvent is append-only');
END;

CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent"
BEGIN
  SELECT RAISE(ABORT, 'AuditEvent is append-only');
END;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "searchName" TEXT NOT NULL DEFAULT '';

-- Backfill: the name with % _ \ as U+E000 U+E001 U+E002 (lib/api-keys/search-name.ts)
UPDATE "ApiKey" SET "searchName" = REPLACE(REPLACE(REPLACE("name", char(92), char(57346)), '%', char(57344)), '_', char(57345));

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "outcome" TEXT NOT NULL DEFAULT 'success';

-- CreateIndex
CREATE INDEX "AuditEvent_orgId_outcome_at_idx" ON "AuditEvent"("orgId", "outcome", "at");

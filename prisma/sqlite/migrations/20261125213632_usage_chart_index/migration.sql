-- DropIndex
DROP INDEX "UsageRollup_orgId_hour_idx";

-- CreateIndex
CREATE INDEX "UsageRollup_orgId_hour_outcome_count_idx" ON "UsageRollup"("orgId", "hour", "outcome", "count");


-- CreateIndex
CREATE INDEX "ApiKey_orgId_revokedAt_createdAt_idx" ON "ApiKey"("orgId", "revokedAt", "createdAt");


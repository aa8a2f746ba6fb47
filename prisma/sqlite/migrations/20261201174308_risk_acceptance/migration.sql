-- CreateTable
CREATE TABLE "RiskAcceptance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orgId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "justification" TEXT NOT NULL,
    "until" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    "createdByLabel" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "RiskAcceptance_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "RiskAcceptance_orgId_until_idx" ON "RiskAcceptance"("orgId", "until");

-- CreateIndex
CREATE INDEX "RiskAcceptance_keyId_code_idx" ON "RiskAcceptance"("keyId", "code");

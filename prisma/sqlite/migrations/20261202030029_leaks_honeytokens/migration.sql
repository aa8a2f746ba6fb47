-- CreateTable
CREATE TABLE "Honeytoken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "displayPrefix" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    "createdByLabel" TEXT NOT NULL DEFAULT '',
    "triggerCount" INTEGER NOT NULL DEFAULT 0,
    "lastTriggeredAt" DATETIME,
    "lastTriggeredIp" TEXT,
    "lastTriggeredUserAgent" TEXT,
    "lastTriggeredResource" TEXT,
    CONSTRAINT "Honeytoken_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (a column added in place: rebuilding Organization would drop columns other migrations add)
ALTER TABLE "Organization" ADD COLUMN "leakPolicy" TEXT NOT NULL DEFAULT 'revoke';

-- CreateIndex
CREATE UNIQUE INDEX "Honeytoken_secretHash_key" ON "Honeytoken"("secretHash");

-- CreateIndex
CREATE INDEX "Honeytoken_orgId_createdAt_idx" ON "Honeytoken"("orgId", "createdAt");


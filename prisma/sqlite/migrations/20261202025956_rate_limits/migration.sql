-- CreateTable
CREATE TABLE "RateLimitTier" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rateLimits" TEXT NOT NULL DEFAULT '[]',
    "quota" INTEGER,
    "quotaRefill" TEXT,
    "quotaRefillAmount" INTEGER,
    "quotaSetAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RateLimitTier_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RateLimitCounter" (
    "keyId" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "expiresAt" BIGINT NOT NULL,

    PRIMARY KEY ("keyId", "bucket")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "searchName" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "environment" TEXT NOT NULL DEFAULT 'live',
    "displayPrefix" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT,
    "createdByLabel" TEXT NOT NULL DEFAULT '',
    "updatedAt" DATETIME NOT NULL,
    "updatedById" TEXT,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME,
    "revokedById" TEXT,
    "revokedByLabel" TEXT,
    "revokeReason" TEXT,
    "lastUsedAt" DATETIME,
    "lastUsedIp" TEXT,
    "lastUsedUserAgent" TEXT,
    "disabledAt" DATETIME,
    "disabledByLabel" TEXT,
    "owner" TEXT,
    "searchOwner" TEXT NOT NULL DEFAULT '',
    "meta" TEXT NOT NULL DEFAULT '{}',
    "rateLimits" TEXT NOT NULL DEFAULT '[]',
    "tierId" TEXT,
    "quota" INTEGER,
    "quotaRefill" TEXT,
    "quotaRefillAmount" INTEGER,
    "quotaSetAt" DATETIME,
    CONSTRAINT "ApiKey_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApiKey_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "RateLimitTier" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ApiKey" ("createdAt", "createdById", "createdByLabel", "description", "disabledAt", "disabledByLabel", "displayPrefix", "environment", "expiresAt", "id", "last4", "lastUsedAt", "lastUsedIp", "lastUsedUserAgent", "meta", "name", "orgId", "owner", "revokeReason", "revokedAt", "revokedById", "revokedByLabel", "searchName", "searchOwner", "updatedAt", "updatedById") SELECT "createdAt", "createdById", "createdByLabel", "description", "disabledAt", "disabledByLabel", "displayPrefix", "environment", "expiresAt", "id", "last4", "lastUsedAt", "lastUsedIp", "lastUsedUserAgent", "meta", "name", "orgId", "owner", "revokeReason", "revokedAt", "revokedById", "revokedByLabel", "searchName", "searchOwner", "updatedAt", "updatedById" FROM "ApiKey";
DROP TABLE "ApiKey";
ALTER TABLE "new_ApiKey" RENAME TO "ApiKey";
CREATE INDEX "ApiKey_orgId_revokedAt_expiresAt_idx" ON "ApiKey"("orgId", "revokedAt", "expiresAt");
CREATE INDEX "ApiKey_orgId_revokedAt_createdAt_idx" ON "ApiKey"("orgId", "revokedAt", "createdAt");
CREATE INDEX "ApiKey_orgId_createdAt_idx" ON "ApiKey"("orgId", "createdAt");
CREATE INDEX "ApiKey_orgId_lastUsedAt_idx" ON "ApiKey"("orgId", "lastUsedAt");
CREATE INDEX "ApiKey_orgId_name_idx" ON "ApiKey"("orgId", "name");
CREATE INDEX "ApiKey_orgId_displayPrefix_last4_idx" ON "ApiKey"("orgId", "displayPrefix", "last4");
CREATE INDEX "ApiKey_orgId_owner_idx" ON "ApiKey"("orgId", "owner");
CREATE INDEX "ApiKey_orgId_disabledAt_idx" ON "ApiKey"("orgId", "disabledAt");
CREATE INDEX "ApiKey_tierId_idx" ON "ApiKey"("tierId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "RateLimitTier_orgId_name_key" ON "RateLimitTier"("orgId", "name");

-- CreateIndex
CREATE INDEX "RateLimitCounter_expiresAt_idx" ON "RateLimitCounter"("expiresAt");


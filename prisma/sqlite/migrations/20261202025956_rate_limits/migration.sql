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

-- AlterTable
-- Columns are added in place rather than by Prisma's table redefinition, which would drop the partial unique
-- index on (orgId, name) of unrevoked keys (created by hand in the init migration) along with the old table.
ALTER TABLE "ApiKey" ADD COLUMN "rateLimits" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "ApiKey" ADD COLUMN "tierId" TEXT REFERENCES "RateLimitTier" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ApiKey" ADD COLUMN "quota" INTEGER;
ALTER TABLE "ApiKey" ADD COLUMN "quotaRefill" TEXT;
ALTER TABLE "ApiKey" ADD COLUMN "quotaRefillAmount" INTEGER;
ALTER TABLE "ApiKey" ADD COLUMN "quotaSetAt" DATETIME;

-- CreateIndex
CREATE INDEX "ApiKey_tierId_idx" ON "ApiKey"("tierId");

-- CreateIndex
CREATE UNIQUE INDEX "RateLimitTier_orgId_name_key" ON "RateLimitTier"("orgId", "name");

-- CreateIndex
CREATE INDEX "RateLimitCounter_expiresAt_idx" ON "RateLimitCounter"("expiresAt");


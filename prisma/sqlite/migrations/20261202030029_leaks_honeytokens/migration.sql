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

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Organization" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "keyPrefix" TEXT NOT NULL,
    "signingSecretEnc" TEXT NOT NULL,
    "bootstrappedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "keysVersion" INTEGER NOT NULL DEFAULT 0,
    "policyRequireExpiry" BOOLEAN NOT NULL DEFAULT false,
    "policyMaxLifetimeDays" INTEGER,
    "policyForbidWildcardCidr" BOOLEAN NOT NULL DEFAULT false,
    "policyForbidFullAccess" BOOLEAN NOT NULL DEFAULT false,
    "requireTwoFactor" BOOLEAN NOT NULL DEFAULT false,
    "leakPolicy" TEXT NOT NULL DEFAULT 'revoke'
);
INSERT INTO "new_Organization" ("bootstrappedAt", "createdAt", "id", "keyPrefix", "keysVersion", "name", "policyForbidFullAccess", "policyForbidWildcardCidr", "policyMaxLifetimeDays", "policyRequireExpiry", "requireTwoFactor", "signingSecretEnc", "slug") SELECT "bootstrappedAt", "createdAt", "id", "keyPrefix", "keysVersion", "name", "policyForbidFullAccess", "policyForbidWildcardCidr", "policyMaxLifetimeDays", "policyRequireExpiry", "requireTwoFactor", "signingSecretEnc", "slug" FROM "Organization";
DROP TABLE "Organization";
ALTER TABLE "new_Organization" RENAME TO "Organization";
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Honeytoken_secretHash_key" ON "Honeytoken"("secretHash");

-- CreateIndex
CREATE INDEX "Honeytoken_orgId_createdAt_idx" ON "Honeytoken"("orgId", "createdAt");


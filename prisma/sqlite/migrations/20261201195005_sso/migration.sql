-- AlterTable
ALTER TABLE "Session" ADD COLUMN "ssoOrgId" TEXT;

-- CreateTable
CREATE TABLE "SsoConfig" (
    "orgId" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "issuer" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecretEnc" TEXT NOT NULL,
    "allowedDomains" TEXT NOT NULL DEFAULT '[]',
    "defaultRole" TEXT NOT NULL DEFAULT 'auditor',
    "requireSso" BOOLEAN NOT NULL DEFAULT false,
    "breakGlassUserId" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SsoConfig_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SsoLogin" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orgId" TEXT NOT NULL,
    "checksEnc" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "nextPath" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "SsoLogin_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SsoLogin_expiresAt_idx" ON "SsoLogin"("expiresAt");


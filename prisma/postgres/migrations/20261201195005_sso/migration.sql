-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "ssoOrgId" TEXT;

-- CreateTable
CREATE TABLE "SsoConfig" (
    "orgId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "issuer" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecretEnc" TEXT NOT NULL,
    "allowedDomains" TEXT NOT NULL DEFAULT '[]',
    "defaultRole" TEXT NOT NULL DEFAULT 'auditor',
    "requireSso" BOOLEAN NOT NULL DEFAULT false,
    "breakGlassUserId" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SsoConfig_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "SsoLogin" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "checksEnc" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "nextPath" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SsoLogin_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SsoLogin_expiresAt_idx" ON "SsoLogin"("expiresAt");

-- AddForeignKey
ALTER TABLE "SsoConfig" ADD CONSTRAINT "SsoConfig_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SsoLogin" ADD CONSTRAINT "SsoLogin_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "quota" INTEGER,
ADD COLUMN     "quotaRefill" TEXT,
ADD COLUMN     "quotaRefillAmount" INTEGER,
ADD COLUMN     "quotaSetAt" TIMESTAMP(3),
ADD COLUMN     "rateLimits" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "tierId" TEXT;

-- CreateTable
CREATE TABLE "RateLimitTier" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rateLimits" TEXT NOT NULL DEFAULT '[]',
    "quota" INTEGER,
    "quotaRefill" TEXT,
    "quotaRefillAmount" INTEGER,
    "quotaSetAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RateLimitTier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimitCounter" (
    "keyId" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "expiresAt" BIGINT NOT NULL,

    CONSTRAINT "RateLimitCounter_pkey" PRIMARY KEY ("keyId","bucket")
);

-- CreateIndex
CREATE UNIQUE INDEX "RateLimitTier_orgId_name_key" ON "RateLimitTier"("orgId", "name");

-- CreateIndex
CREATE INDEX "RateLimitCounter_expiresAt_idx" ON "RateLimitCounter"("expiresAt");

-- CreateIndex
CREATE INDEX "ApiKey_tierId_idx" ON "ApiKey"("tierId");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "RateLimitTier"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RateLimitTier" ADD CONSTRAINT "RateLimitTier_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


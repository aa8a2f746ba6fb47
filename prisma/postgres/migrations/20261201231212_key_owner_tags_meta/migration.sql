-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "disabledAt" TIMESTAMP(3),
ADD COLUMN     "disabledByLabel" TEXT,
ADD COLUMN     "owner" TEXT,
ADD COLUMN     "searchOwner" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "meta" TEXT NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "KeyTag" (
    "keyId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "KeyTag_pkey" PRIMARY KEY ("keyId","tag")
);

-- CreateIndex
CREATE INDEX "KeyTag_orgId_tag_idx" ON "KeyTag"("orgId", "tag");

-- CreateIndex
CREATE INDEX "ApiKey_orgId_owner_idx" ON "ApiKey"("orgId", "owner");

-- CreateIndex
CREATE INDEX "ApiKey_orgId_disabledAt_idx" ON "ApiKey"("orgId", "disabledAt");

-- AddForeignKey
ALTER TABLE "KeyTag" ADD CONSTRAINT "KeyTag_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

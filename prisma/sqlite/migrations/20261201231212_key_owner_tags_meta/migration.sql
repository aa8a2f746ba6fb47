-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "disabledAt" DATETIME;
ALTER TABLE "ApiKey" ADD COLUMN "disabledByLabel" TEXT;
ALTER TABLE "ApiKey" ADD COLUMN "owner" TEXT;
ALTER TABLE "ApiKey" ADD COLUMN "searchOwner" TEXT NOT NULL DEFAULT '';
ALTER TABLE "ApiKey" ADD COLUMN "meta" TEXT NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "KeyTag" (
    "keyId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("keyId", "tag"),
    CONSTRAINT "KeyTag_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "KeyTag_orgId_tag_idx" ON "KeyTag"("orgId", "tag");

-- CreateIndex
CREATE INDEX "ApiKey_orgId_owner_idx" ON "ApiKey"("orgId", "owner");

-- CreateIndex
CREATE INDEX "ApiKey_orgId_disabledAt_idx" ON "ApiKey"("orgId", "disabledAt");

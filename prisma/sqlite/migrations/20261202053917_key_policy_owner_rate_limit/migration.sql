-- AlterTable
-- Columns are added in place rather than by Prisma's table redefinition of Organization (a copy, drop and rename
-- that every table referencing it would have to survive).
ALTER TABLE "Organization" ADD COLUMN "policyRequireOwner" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Organization" ADD COLUMN "policyRequireRateLimit" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "policyRequireOwner" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "policyRequireRateLimit" BOOLEAN NOT NULL DEFAULT false;

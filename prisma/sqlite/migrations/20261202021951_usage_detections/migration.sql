-- CreateTable
CREATE TABLE "KeyDetection" (
    "keyId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" DATETIME NOT NULL,

    PRIMARY KEY ("keyId", "kind")
);

-- CreateTable
CREATE TABLE "KeyNetwork" (
    "keyId" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL,
    "since" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,

    PRIMARY KEY ("keyId", "network")
);

-- CreateTable
CREATE TABLE "KeyDenialCount" (
    "keyId" TEXT NOT NULL,
    "minute" DATETIME NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("keyId", "minute")
);

-- CreateIndex
CREATE INDEX "KeyDenialCount_minute_idx" ON "KeyDenialCount"("minute");

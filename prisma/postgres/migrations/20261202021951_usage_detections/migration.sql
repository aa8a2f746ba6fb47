-- CreateTable
CREATE TABLE "KeyDetection" (
    "keyId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeyDetection_pkey" PRIMARY KEY ("keyId","kind")
);

-- CreateTable
CREATE TABLE "KeyNetwork" (
    "keyId" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeyNetwork_pkey" PRIMARY KEY ("keyId","network")
);

-- CreateTable
CREATE TABLE "KeyDenialCount" (
    "keyId" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "KeyDenialCount_pkey" PRIMARY KEY ("keyId","minute")
);

-- CreateIndex
CREATE INDEX "KeyDenialCount_minute_idx" ON "KeyDenialCount"("minute");

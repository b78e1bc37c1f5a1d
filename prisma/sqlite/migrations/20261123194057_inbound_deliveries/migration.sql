-- CreateTable
CREATE TABLE "InboundDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "deliveryKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "doneAt" DATETIME,
    "lastError" TEXT
);

-- CreateIndex
CREATE INDEX "InboundDelivery_doneAt_claimedUntil_idx" ON "InboundDelivery"("doneAt", "claimedUntil");

-- CreateIndex
CREATE UNIQUE INDEX "InboundDelivery_platform_deliveryKey_key" ON "InboundDelivery"("platform", "deliveryKey");

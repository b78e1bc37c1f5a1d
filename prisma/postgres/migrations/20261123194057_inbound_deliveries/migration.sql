-- CreateTable
CREATE TABLE "InboundDelivery" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "deliveryKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "doneAt" TIMESTAMP(3),
    "lastError" TEXT,

    CONSTRAINT "InboundDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboundDelivery_doneAt_claimedUntil_idx" ON "InboundDelivery"("doneAt", "claimedUntil");

-- CreateIndex
CREATE UNIQUE INDEX "InboundDelivery_platform_deliveryKey_key" ON "InboundDelivery"("platform", "deliveryKey");

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "autoAssign" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "customerTier" TEXT NOT NULL DEFAULT 'standard',
ADD COLUMN     "firstResponseBreachedAt" TIMESTAMP(3),
ADD COLUMN     "firstResponseDueAt" TIMESTAMP(3),
ADD COLUMN     "resolutionBreachedAt" TIMESTAMP(3),
ADD COLUMN     "resolutionDueAt" TIMESTAMP(3),
ADD COLUMN     "slaFirstResponseMs" DOUBLE PRECISION,
ADD COLUMN     "slaNextCheckAt" TIMESTAMP(3),
ADD COLUMN     "slaPausedMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "slaPausedSince" TIMESTAMP(3),
ADD COLUMN     "slaResolutionMs" DOUBLE PRECISION,
ADD COLUMN     "slaStages" TEXT NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "Notification" (
    "id" SERIAL NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "ticketId" INTEGER,
    "kind" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "recipientId" TEXT,
    "destination" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Notification_dedupeKey_key" ON "Notification"("dedupeKey");

-- CreateIndex
CREATE INDEX "Notification_sentAt_nextAttemptAt_idx" ON "Notification"("sentAt", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Notification_destination_sentAt_idx" ON "Notification"("destination", "sentAt");

-- CreateIndex
CREATE INDEX "Notification_ticketId_idx" ON "Notification"("ticketId");

-- CreateIndex
CREATE INDEX "Ticket_slaNextCheckAt_idx" ON "Ticket"("slaNextCheckAt");

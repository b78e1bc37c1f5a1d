-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "awaitingReplySince" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "nextResponseBreachedAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "nextResponseDueAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "slaNextResponseMs" REAL;

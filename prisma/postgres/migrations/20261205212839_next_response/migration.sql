-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "awaitingReplySince" TIMESTAMP(3),
ADD COLUMN     "nextResponseBreachedAt" TIMESTAMP(3),
ADD COLUMN     "nextResponseDueAt" TIMESTAMP(3),
ADD COLUMN     "slaNextResponseMs" DOUBLE PRECISION;

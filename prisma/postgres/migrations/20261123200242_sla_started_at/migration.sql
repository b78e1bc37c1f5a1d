-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "slaStartedAt" TIMESTAMP(3);

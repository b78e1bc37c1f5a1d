-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "triageConfidence" REAL;

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "triageConfidence" DOUBLE PRECISION;

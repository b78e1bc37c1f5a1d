-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "accessKey" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "TicketConversation" ADD COLUMN     "cardMessageId" TEXT NOT NULL DEFAULT '';

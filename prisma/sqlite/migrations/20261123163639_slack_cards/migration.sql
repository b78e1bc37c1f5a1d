-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TicketConversation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL DEFAULT '',
    "channelId" TEXT NOT NULL DEFAULT '',
    "threadId" TEXT NOT NULL DEFAULT '',
    "messageId" TEXT NOT NULL DEFAULT '',
    "cardMessageId" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TicketConversation_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_TicketConversation" ("channelId", "createdAt", "id", "messageId", "platform", "threadId", "ticketId", "workspaceId") SELECT "channelId", "createdAt", "id", "messageId", "platform", "threadId", "ticketId", "workspaceId" FROM "TicketConversation";
DROP TABLE "TicketConversation";
ALTER TABLE "new_TicketConversation" RENAME TO "TicketConversation";
CREATE INDEX "TicketConversation_ticketId_idx" ON "TicketConversation"("ticketId");
CREATE UNIQUE INDEX "TicketConversation_platform_workspaceId_channelId_threadId_key" ON "TicketConversation"("platform", "workspaceId", "channelId", "threadId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

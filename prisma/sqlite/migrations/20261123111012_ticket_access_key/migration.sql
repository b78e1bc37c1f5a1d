-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Ticket" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'new',
    "category" TEXT NOT NULL DEFAULT 'other',
    "priority" TEXT NOT NULL DEFAULT 'P3',
    "sentiment" TEXT NOT NULL DEFAULT 'neutral',
    "language" TEXT NOT NULL DEFAULT 'zh',
    "channel" TEXT NOT NULL,
    "customerId" INTEGER,
    "teamId" TEXT,
    "assigneeId" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "reboundCount" INTEGER NOT NULL DEFAULT 0,
    "duplicateOfId" INTEGER,
    "closeReason" TEXT,
    "csat" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "assignedAt" DATETIME,
    "firstResponseAt" DATETIME,
    "pendingSince" DATETIME,
    "resolvedAt" DATETIME,
    "closedAt" DATETIME,
    "accessKey" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "Ticket_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Ticket_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Ticket_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Agent" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Ticket" ("assignedAt", "assigneeId", "category", "channel", "closeReason", "closedAt", "createdAt", "csat", "customerId", "description", "duplicateOfId", "firstResponseAt", "id", "language", "pendingSince", "priority", "reboundCount", "resolvedAt", "sentiment", "status", "tags", "teamId", "title", "updatedAt", "version") SELECT "assignedAt", "assigneeId", "category", "channel", "closeReason", "closedAt", "createdAt", "csat", "customerId", "description", "duplicateOfId", "firstResponseAt", "id", "language", "pendingSince", "priority", "reboundCount", "resolvedAt", "sentiment", "status", "tags", "teamId", "title", "updatedAt", "version" FROM "Ticket";
DROP TABLE "Ticket";
ALTER TABLE "new_Ticket" RENAME TO "Ticket";
CREATE INDEX "Ticket_status_idx" ON "Ticket"("status");
CREATE INDEX "Ticket_assigneeId_status_idx" ON "Ticket"("assigneeId", "status");
CREATE INDEX "Ticket_teamId_status_idx" ON "Ticket"("teamId", "status");
CREATE INDEX "Ticket_customerId_idx" ON "Ticket"("customerId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

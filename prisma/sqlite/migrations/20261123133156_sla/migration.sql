-- CreateTable
CREATE TABLE "Notification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "dedupeKey" TEXT NOT NULL,
    "ticketId" INTEGER,
    "kind" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "recipientId" TEXT,
    "destination" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Agent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "teamId" TEXT,
    "skills" TEXT NOT NULL DEFAULT '[]',
    "languages" TEXT NOT NULL DEFAULT '[]',
    "onDuty" BOOLEAN NOT NULL DEFAULT true,
    "maxLoad" INTEGER NOT NULL DEFAULT 10,
    "autoAssign" BOOLEAN NOT NULL DEFAULT true,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Agent_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Agent" ("active", "createdAt", "id", "languages", "maxLoad", "name", "onDuty", "role", "skills", "teamId", "updatedAt") SELECT "active", "createdAt", "id", "languages", "maxLoad", "name", "onDuty", "role", "skills", "teamId", "updatedAt" FROM "Agent";
DROP TABLE "Agent";
ALTER TABLE "new_Agent" RENAME TO "Agent";
CREATE INDEX "Agent_teamId_idx" ON "Agent"("teamId");
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
    "customerTier" TEXT NOT NULL DEFAULT 'standard',
    "slaFirstResponseMs" REAL,
    "slaResolutionMs" REAL,
    "firstResponseDueAt" DATETIME,
    "resolutionDueAt" DATETIME,
    "slaPausedSince" DATETIME,
    "slaPausedMs" REAL NOT NULL DEFAULT 0,
    "firstResponseBreachedAt" DATETIME,
    "resolutionBreachedAt" DATETIME,
    "slaStages" TEXT NOT NULL DEFAULT '{}',
    "slaNextCheckAt" DATETIME,
    CONSTRAINT "Ticket_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Ticket_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Ticket_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Agent" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Ticket" ("accessKey", "assignedAt", "assigneeId", "category", "channel", "closeReason", "closedAt", "createdAt", "csat", "customerId", "description", "duplicateOfId", "firstResponseAt", "id", "language", "pendingSince", "priority", "reboundCount", "resolvedAt", "sentiment", "status", "tags", "teamId", "title", "updatedAt", "version") SELECT "accessKey", "assignedAt", "assigneeId", "category", "channel", "closeReason", "closedAt", "createdAt", "csat", "customerId", "description", "duplicateOfId", "firstResponseAt", "id", "language", "pendingSince", "priority", "reboundCount", "resolvedAt", "sentiment", "status", "tags", "teamId", "title", "updatedAt", "version" FROM "Ticket";
DROP TABLE "Ticket";
ALTER TABLE "new_Ticket" RENAME TO "Ticket";
CREATE INDEX "Ticket_status_idx" ON "Ticket"("status");
CREATE INDEX "Ticket_assigneeId_status_idx" ON "Ticket"("assigneeId", "status");
CREATE INDEX "Ticket_teamId_status_idx" ON "Ticket"("teamId", "status");
CREATE INDEX "Ticket_customerId_idx" ON "Ticket"("customerId");
CREATE INDEX "Ticket_slaNextCheckAt_idx" ON "Ticket"("slaNextCheckAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Notification_dedupeKey_key" ON "Notification"("dedupeKey");

-- CreateIndex
CREATE INDEX "Notification_sentAt_nextAttemptAt_idx" ON "Notification"("sentAt", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Notification_destination_sentAt_idx" ON "Notification"("destination", "sentAt");

-- CreateIndex
CREATE INDEX "Notification_ticketId_idx" ON "Notification"("ticketId");

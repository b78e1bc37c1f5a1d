-- CreateIndex
CREATE INDEX "Ticket_assigneeId_assignedAt_idx" ON "Ticket"("assigneeId", "assignedAt");

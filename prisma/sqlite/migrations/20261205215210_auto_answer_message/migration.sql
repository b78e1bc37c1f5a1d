-- AlterTable
ALTER TABLE "AutoAnswerLog" ADD COLUMN "messageId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AutoAnswerLog_platform_messageId_key" ON "AutoAnswerLog"("platform", "messageId");

-- CreateTable
CREATE TABLE "KbDocument" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "entryId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'zh',
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KbDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KbChunk" (
    "id" SERIAL NOT NULL,
    "documentId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "KbChunk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutoAnswerLog" (
    "id" SERIAL NOT NULL,
    "question" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "customerRef" TEXT,
    "candidates" TEXT NOT NULL DEFAULT '[]',
    "topScore" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "threshold" DOUBLE PRECISION NOT NULL,
    "answered" BOOLEAN NOT NULL,
    "answerEntryId" TEXT,
    "ticketId" INTEGER,
    "feedback" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutoAnswerLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TriageCorrection" (
    "id" SERIAL NOT NULL,
    "ticketId" INTEGER,
    "text" TEXT NOT NULL,
    "category" TEXT,
    "priority" TEXT,
    "actorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TriageCorrection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "KbDocument_source_entryId_key" ON "KbDocument"("source", "entryId");

-- CreateIndex
CREATE INDEX "KbChunk_documentId_idx" ON "KbChunk"("documentId");

-- CreateIndex
CREATE INDEX "AutoAnswerLog_createdAt_idx" ON "AutoAnswerLog"("createdAt");

-- CreateIndex
CREATE INDEX "TriageCorrection_createdAt_idx" ON "TriageCorrection"("createdAt");

-- AddForeignKey
ALTER TABLE "KbChunk" ADD CONSTRAINT "KbChunk_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "KbDocument"("id") ON DELETE CASCADE ON UPDATE CASCADE;

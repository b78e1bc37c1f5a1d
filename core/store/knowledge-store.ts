import type { AutoAnswerDecision, KbChunkRecord, KbDocumentRecord, KnowledgeStore, NewKbDocument, StoredCorrection } from '../ports.js';
import type { Platform, Priority } from '../tickets/types.js';
import type { Db } from './database.js';
import type { AutoAnswerLog, KbChunk, KbDocument } from './generated/sqlite/client.js';

function toDocument(row: KbDocument & { chunks: KbChunk[] }): KbDocumentRecord {
  return {
    id: row.id,
    source: row.source,
    entryId: row.entryId,
    title: row.title,
    answer: row.answer,
    language: row.language,
    contentHash: row.contentHash,
    chunks: row.chunks.map((c) => ({ id: c.id, kind: c.kind as KbChunkRecord['kind'], text: c.text })),
  };
}

/** Setting key of the knowledge base's revision. */
const KB_REVISION = 'kb.revision';

const withChunks = { chunks: { orderBy: { id: 'asc' } } } as const;

/** KnowledgeStore on Prisma (SQLite or PostgreSQL). */
function toDecision(row: AutoAnswerLog): AutoAnswerDecision & { id: number; feedback: string | null } {
  return {
    id: row.id,
    question: row.question,
    platform: row.platform as Platform,
    customerRef: row.customerRef,
    candidates: JSON.parse(row.candidates) as AutoAnswerDecision['candidates'],
    topScore: row.topScore,
    threshold: row.threshold,
    answered: row.answered,
    answerEntryId: row.answerEntryId,
    ticketId: row.ticketId,
    messageId: row.messageId,
    feedback: row.feedback,
  };
}

export class PrismaKnowledgeStore implements KnowledgeStore {
  constructor(private readonly db: Db) {}

  async listDocuments(): Promise<KbDocumentRecord[]> {
    return (await this.db.kbDocument.findMany({ include: withChunks, orderBy: [{ source: 'asc' }, { entryId: 'asc' }] })).map(toDocument);
  }

  async saveDocument(doc: NewKbDocument): Promise<KbDocumentRecord> {
    const { chunks, ...fields } = doc;
    const row = await this.db.$transaction(async (tx) => {
      const saved = await tx.kbDocument.upsert({ where: { source_entryId: { source: doc.source, entryId: doc.entryId } }, create: fields, update: fields });
      await tx.kbChunk.deleteMany({ where: { documentId: saved.id } });
      await tx.kbChunk.createMany({ data: chunks.map((c) => ({ documentId: saved.id, kind: c.kind, text: c.text })) });
      return tx.kbDocument.findUniqueOrThrow({ where: { id: saved.id }, include: withChunks });
    });
    return toDocument(row);
  }

  async deleteDocument(id: number): Promise<void> {
    await this.db.kbDocument.delete({ where: { id } });
  }

  async documentsByChunk(chunkIds: number[]): Promise<Map<number, KbDocumentRecord>> {
    const chunks = await this.db.kbChunk.findMany({ where: { id: { in: chunkIds } }, include: { document: { include: withChunks } } });
    return new Map(chunks.map((c) => [c.id, toDocument(c.document)]));
  }

  async logAutoAnswer(d: AutoAnswerDecision): Promise<number> {
    const row = await this.db.autoAnswerLog.create({ data: { ...d, messageId: d.messageId ?? null, candidates: JSON.stringify(d.candidates) } });
    return row.id;
  }

  async findAutoAnswer(id: number) {
    const row = await this.db.autoAnswerLog.findUnique({ where: { id } });
    return row ? toDecision(row) : null;
  }

  async findAutoAnswerByMessage(platform: Platform, messageId: string) {
    const row = await this.db.autoAnswerLog.findUnique({ where: { platform_messageId: { platform, messageId } } });
    return row ? toDecision(row) : null;
  }

  async setAutoAnswerFeedback(id: number, feedback: 'helpful' | 'not_helpful', ticketId: number | null): Promise<boolean> {
    // Conditional on no feedback yet, so a double click or a retried request counts once.
    const { count } = await this.db.autoAnswerLog.updateMany({ where: { id, feedback: null }, data: { feedback, ...(ticketId === null ? {} : { ticketId }) } });
    return count === 1;
  }

  async addCorrection(c: { ticketId: number | null; text: string; category: string | null; priority: Priority | null; actorId: string | null }) {
    const row = await this.db.triageCorrection.create({ data: c, select: { id: true, createdAt: true } });
    return { id: row.id, createdAt: row.createdAt };
  }

  async listCorrections(opts: { afterId?: number; ids?: number[] } = {}): Promise<StoredCorrection[]> {
    const after = { id: { gt: opts.afterId ?? 0 } };
    const where = opts.ids?.length ? { OR: [after, { id: { in: opts.ids } }] } : after;
    const rows = await this.db.triageCorrection.findMany({ where, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ id: r.id, text: r.text, category: r.category, priority: r.priority as Priority | null, createdAt: r.createdAt }));
  }

  async getKbRevision(): Promise<string | null> {
    return (await this.db.setting.findUnique({ where: { key: KB_REVISION } }))?.value ?? null;
  }

  async setKbRevision(revision: string): Promise<void> {
    await this.db.setting.upsert({ where: { key: KB_REVISION }, create: { key: KB_REVISION, value: revision }, update: { value: revision } });
  }
}

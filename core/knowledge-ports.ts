// Ports of the knowledge side of the core: knowledge-base documents, the auto-answer log, triage
// corrections, reply suggestions and self-service answers. Re-exported by ports.ts.
import type { Platform, Priority, Ticket } from './tickets/types.js';

export interface KbChunkRecord {
  id: number;
  kind: 'title' | 'example' | 'chunk';
  text: string;
}

export interface KbDocumentRecord {
  id: number;
  source: string;
  entryId: string;
  title: string;
  answer: string;
  language: string;
  contentHash: string;
  chunks: KbChunkRecord[];
}

export type NewKbDocument = Omit<KbDocumentRecord, 'id' | 'chunks'> & { chunks: Omit<KbChunkRecord, 'id'>[] };

export interface AutoAnswerDecision {
  question: string;
  platform: Platform;
  customerRef: string | null;
  candidates: { entryId: string; source: string; score: number }[];
  topScore: number;
  threshold: number;
  answered: boolean;
  answerEntryId: string | null;
  ticketId: number | null;
  /** The platform message the question came in (unique per platform: one decision per question). */
  messageId?: string | null | undefined;
}

/** Knowledge-base documents (the truth the vector index is rebuilt from), the auto-answer log, triage corrections. */
export interface KnowledgeStore {
  listDocuments(): Promise<KbDocumentRecord[]>;
  /** Creates or replaces a document and its chunks (new chunk ids: they are the vector labels). */
  saveDocument(doc: NewKbDocument): Promise<KbDocumentRecord>;
  deleteDocument(id: number): Promise<void>;
  /** Documents owning these chunk ids, keyed by chunk id. */
  documentsByChunk(chunkIds: number[]): Promise<Map<number, KbDocumentRecord>>;
  logAutoAnswer(decision: AutoAnswerDecision): Promise<number>;
  findAutoAnswer(id: number): Promise<(AutoAnswerDecision & { id: number; feedback: string | null }) | null>;
  /** The decision already taken on a platform message, if any. */
  findAutoAnswerByMessage(platform: Platform, messageId: string): Promise<(AutoAnswerDecision & { id: number; feedback: string | null }) | null>;
  /** Records the customer's feedback (and the ticket it led to); false when it was already recorded. */
  setAutoAnswerFeedback(id: number, feedback: 'helpful' | 'not_helpful', ticketId: number | null): Promise<boolean>;
  /** Stores an agent's triage correction; returns its id and when it was recorded. */
  addCorrection(c: {
    ticketId: number | null;
    text: string;
    category: string | null;
    priority: Priority | null;
    actorId: string | null;
  }): Promise<{ id: number; createdAt: Date }>;
  /** Stored corrections by id; with `afterId`, only those above it plus any listed in `ids`. */
  listCorrections(opts?: { afterId?: number; ids?: number[] }): Promise<StoredCorrection[]>;
  /**
   * The knowledge base's revision: a fingerprint of its documents, written by the process that last
   * changed them (null before the first ingest). Other processes compare it with theirs to catch up.
   */
  getKbRevision(): Promise<string | null>;
  setKbRevision(revision: string): Promise<void>;
}

/** A triage correction as stored. */
export interface StoredCorrection {
  id: number;
  text: string;
  category: string | null;
  priority: Priority | null;
  createdAt: Date;
}

/** One knowledge-base passage offered to an agent, with where it came from. */
export interface SuggestionSource {
  id: string;
  title: string;
  answer: string;
  source: string;
  score: number;
}

/** A reply suggestion: an LLM draft citing its sources, or (no LLM) the best FAQ answer as it is. */
export interface ReplySuggestion {
  reply: string | null;
  drafted: boolean;
  sources: SuggestionSource[];
}

/** Suggests a reply to a ticket from the knowledge base. */
export interface ReplySuggester {
  suggest(input: { text: string; language: 'zh' | 'en' }): Promise<ReplySuggestion>;
}

/** A customer's question for self-service. */
export interface AutoAnswerInput {
  question: string;
  platform: Platform;
  /** The asker's platform user id: the ticket is theirs if one is opened. */
  customerId: string;
  customerName?: string | undefined;
  /** The platform message id: a retried delivery gets the same decision, not a second one. */
  messageId: string;
}

/** `repeated`: the message was decided on before (a redelivery); nothing new was logged or opened. */
export type AutoAnswerResult =
  | { answered: true; logId: number; repeated: boolean; answer: { id: string; title: string; answer: string; source: string; score: number } }
  | { answered: false; logId: number; repeated: boolean; ticket: Ticket };

/**
 * Self-service answers from the knowledge base: answered when retrieval is confident, else a ticket is
 * opened (by `open` when the adapter files it itself, e.g. linked to a chat thread). Every decision is logged.
 */
export interface SelfService {
  ask(input: AutoAnswerInput, open?: () => Promise<Ticket>): Promise<AutoAnswerResult>;
  /** The decision taken on a platform message (the question), if any. */
  decisionFor(platform: Platform, messageId: string): Promise<{ logId: number; answered: boolean; customerRef: string | null; question: string } | null>;
  /** The asker's verdict; "did not help" opens a ticket with the question (once). */
  feedback(
    input: { logId: number; helpful: boolean; customerId: string; platform: Platform },
    open?: (question: string) => Promise<Ticket>,
  ): Promise<{ ticket: Ticket | null }>;
}

// Agents' triage corrections, shared by every process on one database. A correction made here is
// stored and applied at once; corrections stored by other processes (another `ticketbot start`, a
// worker, a second host) are read by `catchUp` and applied once each, so every process's local model
// learns from every correction without a restart.
import type { KnowledgeStore, StoredCorrection } from '../../core/ports.js';
import type { Priority } from '../../core/tickets/types.js';
import type { LocalClassifier } from './local-classifier.js';

/**
 * How far back each catch-up reads before the newest correction it has seen. Ids are not a safe
 * cursor on PostgreSQL (a lower id can commit after a higher one is read), so the feed reads by time
 * with this overlap and remembers the ids it applied inside it.
 */
export const CORRECTION_LOOKBACK_MS = 60_000;

export interface NewCorrection {
  ticketId: number | null;
  text: string;
  category: string | null;
  priority: Priority | null;
  actorId: string | null;
}

export class CorrectionFeed {
  /** Ids applied within the lookback window (older ones are never read again), with their time. */
  private readonly applied = new Map<number, number>();
  private newest = 0;

  /** @param categories the configured category ids: a correction to a removed category teaches nothing */
  constructor(
    private readonly store: KnowledgeStore,
    private readonly local: LocalClassifier,
    private readonly categories: ReadonlySet<string>,
  ) {}

  /** Applies every stored correction this process has not applied yet; returns how many it applied. */
  async catchUp(): Promise<number> {
    const rows = await this.store.listCorrections(this.newest ? new Date(this.newest - CORRECTION_LOOKBACK_MS) : undefined);
    let n = 0;
    for (const row of rows) if (this.take(row)) n++;
    const horizon = this.newest - CORRECTION_LOOKBACK_MS;
    for (const [id, at] of this.applied) if (at < horizon) this.applied.delete(id);
    return n;
  }

  /** Stores a correction made in this process and applies it to the running model. */
  async record(correction: NewCorrection): Promise<void> {
    const { id, createdAt } = await this.store.addCorrection(correction);
    this.take({ id, createdAt, text: correction.text, category: correction.category, priority: correction.priority });
  }

  /** Applies a stored correction unless it already was (a catch-up may read it before `record` returns). */
  private take(row: StoredCorrection): boolean {
    const at = row.createdAt.getTime();
    this.newest = Math.max(this.newest, at);
    if (this.applied.has(row.id)) return false;
    this.applied.set(row.id, at);
    const category = row.category !== null && this.categories.has(row.category) ? row.category : undefined;
    if (!category && !row.priority) return false;
    this.local.correct({ text: row.text, ...(category ? { category } : {}), ...(row.priority ? { priority: row.priority } : {}) });
    return true;
  }
}

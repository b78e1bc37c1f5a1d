// Agents' triage corrections, shared by every process on one database. A correction made here is
// stored and applied at once; corrections stored by other processes (another `ticketbot start`, a
// worker, a second host) are read by `catchUp` and applied once each, so every process's local model
// learns from every correction without a restart.
//
// The cursor is the highest id read, not a time (hosts' clocks differ). On PostgreSQL a lower id can
// commit after a higher one was read, so the ids skipped below the cursor are remembered as gaps and
// asked for again on every catch-up for `GAP_TTL_MS` (a gap that never fills is a rolled-back insert).
import type { KnowledgeStore, StoredCorrection } from '../../core/ports.js';
import type { Priority } from '../../core/tickets/types.js';
import type { LocalClassifier } from './local-classifier.js';

/** How long an id skipped below the cursor is asked for again (this process's clock only). */
export const GAP_TTL_MS = 10 * 60_000;
/** At most this many gaps are remembered (the oldest are dropped first). */
const MAX_GAPS = 1000;

export interface NewCorrection {
  ticketId: number | null;
  text: string;
  category: string | null;
  priority: Priority | null;
  actorId: string | null;
}

export class CorrectionFeed {
  /** Highest id read by a catch-up: every id up to it was applied, except the gaps. */
  private cursor = 0;
  /** Ids below the cursor not seen yet → when this process first noticed they were missing. */
  private readonly gaps = new Map<number, number>();
  /** Ids above the cursor already applied by `record` (made in this process). */
  private readonly ahead = new Set<number>();
  private running: Promise<number> | null = null;

  /** @param categories the configured category ids: a correction to a removed category teaches nothing */
  constructor(
    private readonly store: KnowledgeStore,
    private readonly local: LocalClassifier,
    private readonly categories: ReadonlySet<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Applies every stored correction this process has not applied yet; returns how many it applied. Calls overlapping a running one share it. */
  catchUp(): Promise<number> {
    this.running ??= this.read().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async read(): Promise<number> {
    const rows = await this.store.listCorrections({ afterId: this.cursor, ids: [...this.gaps.keys()] });
    let applied = 0;
    let top = this.cursor;
    const seen = new Set<number>();
    for (const row of rows) {
      seen.add(row.id);
      top = Math.max(top, row.id);
      const fresh = row.id > this.cursor ? !this.ahead.delete(row.id) : this.gaps.delete(row.id);
      if (fresh && this.apply(row)) applied++;
    }
    const at = this.now();
    for (let id = Math.max(this.cursor + 1, top - MAX_GAPS); id < top; id++) if (!seen.has(id) && !this.ahead.has(id)) this.gaps.set(id, at);
    for (const id of this.ahead) if (id <= top) this.ahead.delete(id);
    this.cursor = top;
    for (const [id, since] of this.gaps) if (at - since > GAP_TTL_MS || this.gaps.size > MAX_GAPS) this.gaps.delete(id);
    return applied;
  }

  /** Stores a correction made in this process and applies it to the running model. */
  async record(correction: NewCorrection): Promise<void> {
    const { id } = await this.store.addCorrection(correction);
    // A catch-up may have read the new row before this line: then it was applied there.
    if (id <= this.cursor && !this.gaps.delete(id)) return;
    if (id > this.cursor) this.ahead.add(id);
    this.apply({ id, text: correction.text, category: correction.category, priority: correction.priority });
  }

  private apply(row: Pick<StoredCorrection, 'id' | 'text' | 'category' | 'priority'>): boolean {
    const category = row.category !== null && this.categories.has(row.category) ? row.category : undefined;
    if (!category && !row.priority) return false;
    this.local.correct({ text: row.text, ...(category ? { category } : {}), ...(row.priority ? { priority: row.priority } : {}) });
    return true;
  }
}

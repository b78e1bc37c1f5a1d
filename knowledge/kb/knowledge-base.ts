import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../core/errors.js';
import type { KbDocumentRecord, KnowledgeStore } from '../../core/ports.js';
import { LocalEmbedder } from '../embeddings/local-embedder.js';
import type { Embedder } from '../ports.js';
import { HybridRetriever, type KbHit } from '../retrieval/hybrid-retriever.js';
import { KB_EXTENSIONS, readSources } from './read-sources.js';
import { contentHash, embeddedTexts, type KbSourceEntry } from './types.js';

export interface IngestReport {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** The local embedder was refitted on the whole corpus, so every entry was re-embedded. */
  refitted: boolean;
  /** A single file: the source name its entries are stored under (an earlier folder ingest's, when its path ends with one). */
  source?: string;
}

export interface KbSearchResult extends KbHit {
  document: KbDocumentRecord;
}

/**
 * Share of the corpus that may change before the local embedder is refitted. Its IDF and LSA are fitted
 * on the KB itself: small edits keep the fit (only changed entries are re-embedded), large ones refit.
 */
const REFIT_SHARE = 0.1;

const keyOf = (d: { source: string; entryId: string }) => `${d.source}#${d.entryId}`;
const entryOf = (d: KbDocumentRecord) => ({ id: keyOf(d), texts: d.chunks.map((c) => c.text) });

/** A fingerprint of what the index must hold: when the saved one differs from the database's, rebuild. */
function manifest(docs: KbDocumentRecord[]): string {
  const h = createHash('sha256');
  for (const d of [...docs].sort((a, b) => keyOf(a).localeCompare(keyOf(b)))) h.update(`${keyOf(d)}\u0000${d.contentHash}\u0000`);
  return h.digest('hex');
}

/**
 * The knowledge base: documents in the database (the truth) and a hybrid vector + keyword index on
 * disk (a cache, rebuilt from the database whenever they disagree).
 */
export class KnowledgeBase {
  private constructor(
    private readonly store: KnowledgeStore,
    private readonly dir: string,
    private readonly fixedEmbedder: Embedder | null,
    private embedder: Embedder,
    private retriever: HybridRetriever,
    private docs: Map<string, KbDocumentRecord>,
    /** The stored revision this process has caught up with (see {@link refresh}). */
    private seenRevision: string | null,
  ) {}

  /** Ingest and refresh run one at a time: both rewrite the index. */
  private busy: Promise<unknown> = Promise.resolve();

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.busy.then(work, work);
    this.busy = run.catch(() => undefined);
    return run;
  }

  /** Opens the KB in `dir` (index files), with `embedder` (e.g. OpenAI) or the local one fitted on the KB. */
  static async open(opts: { store: KnowledgeStore; dir: string; embedder?: Embedder | undefined }): Promise<KnowledgeBase> {
    const seenRevision = await opts.store.getKbRevision();
    const docs = await opts.store.listDocuments();
    const byKey = new Map(docs.map((d) => [keyOf(d), d]));
    const indexDir = join(opts.dir, 'index');
    const fresh = existsSync(join(opts.dir, 'manifest.json')) && readFileSync(join(opts.dir, 'manifest.json'), 'utf8') === manifest(docs);
    // A stale index (the database changed elsewhere) also means a stale local fit: refit on the database.
    const embedder = opts.embedder ?? (fresh ? KnowledgeBase.savedLocalEmbedder(opts.dir) : null) ?? (await KnowledgeBase.fitLocal(docs));
    const retriever =
      fresh && existsSync(join(indexDir, 'entries.json'))
        ? await HybridRetriever.load(indexDir, embedder)
        : await HybridRetriever.create(embedder, docs.map(entryOf));
    const kb = new KnowledgeBase(opts.store, opts.dir, opts.embedder ?? null, embedder, retriever, byKey, seenRevision);
    if (!fresh) kb.save();
    return kb;
  }

  private static savedLocalEmbedder(dir: string): LocalEmbedder | null {
    try {
      return LocalEmbedder.fromJSON(JSON.parse(readFileSync(join(dir, 'local-embedder.json'), 'utf8')));
    } catch {
      return null; // missing or damaged: it is only a cache, the caller refits
    }
  }

  /** Fits in document-key order (every process gets the same fit), in slices: a running bot keeps serving while it fits. */
  private static fitLocal(docs: KbDocumentRecord[]): Promise<LocalEmbedder> {
    const ordered = [...docs].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    return LocalEmbedder.fitInSlices(ordered.flatMap((d) => d.chunks.map((c) => c.text)));
  }

  get size(): number {
    return this.docs.size;
  }

  get embedderId(): string {
    return this.embedder.id;
  }

  /**
   * Makes the KB mirror the files under `path`: new entries are added, changed ones re-embedded,
   * entries no longer there deleted, unchanged ones skipped.
   */
  ingest(path: string, onProgress?: (done: number, total: number) => void): Promise<IngestReport> {
    return this.exclusive(async () => {
      const written = { documents: false };
      try {
        return await this.ingestNow(path, written, onProgress);
      } finally {
        // Whenever documents were written (even if embedding or saving failed afterwards), publish a new
        // revision: other processes compare it with the one they saw and catch up from the database.
        // A fresh token, not this process's view of the documents, which may be missing another
        // writer's changes. This process sees it too, and its next refresh finds nothing to do.
        if (written.documents) await this.store.setKbRevision(randomUUID());
      }
    });
  }

  private async ingestNow(path: string, written: { documents: boolean }, onProgress?: (done: number, total: number) => void): Promise<IngestReport> {
    // A file ingested on its own replaces the entries an earlier folder ingest stored for it (see singleFileSource).
    const entries = await readSources(path, new Set([...this.docs.values()].map((d) => d.source)));
    // An empty or wrong folder would otherwise delete the whole knowledge base.
    if (!entries.length) throw new AppError('INVALID_INPUT', { message: `no knowledge-base entries under ${path} (files: ${KB_EXTENSIONS.join(', ')})` });
    // A single file updates that file's entries; a folder makes the KB mirror the folder.
    const single = statSync(path).isFile() ? new Set(entries.map((e) => e.source)) : null;
    const seen = new Set<string>();
    const changed: KbSourceEntry[] = [];
    let unchanged = 0;
    for (const e of entries) {
      seen.add(keyOf(e));
      if (this.docs.get(keyOf(e))?.contentHash === contentHash(e)) unchanged++;
      else changed.push(e);
    }
    const gone = [...this.docs.values()].filter((d) => !seen.has(keyOf(d)) && (!single || single.has(d.source)));
    const report: IngestReport = { added: 0, updated: 0, unchanged, removed: gone.length, refitted: false, ...(single ? { source: [...single][0] } : {}) };
    const total = changed.length + gone.length;
    let done = 0;
    onProgress?.(0, total);
    for (const d of gone) {
      written.documents = true;
      await this.store.deleteDocument(d.id);
      this.docs.delete(keyOf(d));
      this.retriever.remove(keyOf(d));
      onProgress?.(++done, total);
    }
    // The share is of the whole knowledge base after the change (as in refresh), also when one file is ingested.
    const added = changed.filter((e) => !this.docs.has(keyOf(e))).length;
    const size = this.docs.size + added;
    const refit = !this.fixedEmbedder && (changed.length + gone.length > REFIT_SHARE * Math.max(1, size) || this.docs.size === 0);
    for (const e of changed) {
      const isNew = !this.docs.has(keyOf(e));
      const texts = embeddedTexts(e);
      written.documents = true;
      const saved = await this.store.saveDocument({
        source: e.source,
        entryId: e.entryId,
        title: e.title,
        answer: e.answer,
        language: e.language,
        contentHash: contentHash(e),
        chunks: texts.map((text, i) => ({ kind: i === 0 ? 'title' : e.chunks.includes(text) ? 'chunk' : 'example', text })),
      });
      this.docs.set(keyOf(e), saved);
      if (!refit) await this.retriever.upsert(entryOf(saved));
      if (isNew) report.added++;
      else report.updated++;
      onProgress?.(++done, total);
    }
    if (refit && (changed.length || gone.length)) {
      const all = [...this.docs.values()];
      // Built beside the live index and swapped in one turn: searches meanwhile keep a consistent (old) view.
      const embedder = await KnowledgeBase.fitLocal(all);
      const retriever = await HybridRetriever.create(embedder, all.map(entryOf));
      this.embedder = embedder;
      this.retriever = retriever;
      report.refitted = true;
    }
    this.save();
    return report;
  }

  /**
   * Catches up with an ingest made by another process (`ticketbot kb ingest` beside a running bot):
   * when the stored revision moved, the documents are re-read and the index updated as ingest would
   * (changed entries re-embedded, removed ones deleted, a refit when over 10 % changed). Costs one
   * small query when nothing changed. Returns whether anything was applied; a failure leaves the
   * revision unseen, so the next call tries again. Entries are embedded in batches with a turn of the
   * event loop between them (a refit also builds the new index beside the one being searched). The
   * index files are left to the process that ingested: two writers on one folder could leave a stale
   * index marked fresh.
   */
  refresh(): Promise<boolean> {
    return this.exclusive(async () => {
      const revision = await this.store.getKbRevision();
      if (revision === null || revision === this.seenRevision) return false;
      const docs = await this.store.listDocuments();
      const next = new Map(docs.map((d) => [keyOf(d), d]));
      const changed = docs.filter((d) => this.docs.get(keyOf(d))?.contentHash !== d.contentHash);
      const gone = [...this.docs.keys()].filter((key) => !next.has(key));
      if (changed.length || gone.length) {
        if (!this.fixedEmbedder && changed.length + gone.length > REFIT_SHARE * Math.max(1, docs.length)) {
          const embedder = await KnowledgeBase.fitLocal(docs);
          const retriever = await HybridRetriever.create(embedder);
          await upsertInBatches(retriever, docs.map(entryOf));
          this.retriever = retriever;
          this.embedder = embedder;
        } else {
          for (const key of gone) this.retriever.remove(key);
          await upsertInBatches(this.retriever, changed.map(entryOf));
        }
        this.docs = next;
      }
      this.seenRevision = revision;
      return changed.length > 0 || gone.length > 0;
    });
  }

  /**
   * The entry stored as `entryId` of `source`, with its search id; undefined when it is not (or no
   * longer) in the knowledge base. Entry ids repeat across files (a CSV's `row-1`), so both are needed.
   */
  entry(source: string, entryId: string): { id: string; document: KbDocumentRecord } | undefined {
    const id = keyOf({ source, entryId });
    const document = this.docs.get(id);
    return document ? { id, document } : undefined;
  }

  /** The best entries for a question, each with its stored document. */
  async search(query: string, k = 5): Promise<KbSearchResult[]> {
    const hits = await this.retriever.search(query, k);
    return hits.flatMap((h) => {
      const document = this.docs.get(h.id);
      return document ? [{ ...h, document }] : [];
    });
  }

  private save(): void {
    mkdirSync(this.dir, { recursive: true });
    rmSync(join(this.dir, 'manifest.json'), { force: true });
    this.retriever.save(join(this.dir, 'index'));
    if (this.embedder instanceof LocalEmbedder) writeFileSync(join(this.dir, 'local-embedder.json'), JSON.stringify(this.embedder.toJSON()));
    // Written last: a crash before this line leaves no manifest, so the next open rebuilds.
    writeFileSync(join(this.dir, 'manifest.json'), manifest([...this.docs.values()]));
  }
}

/** Embedding batch of {@link KnowledgeBase.refresh}: each batch is one turn of a running bot's event loop. */
const REFRESH_BATCH = 128;

async function upsertInBatches(retriever: HybridRetriever, entries: { id: string; texts: string[] }[]): Promise<void> {
  for (let i = 0; i < entries.length; i += REFRESH_BATCH) {
    await retriever.upsertMany(entries.slice(i, i + REFRESH_BATCH));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

// Okapi BM25 over the same normalised "words" as the embedder (Chinese char unigrams + bigrams,
// English words), with an inverted index that supports adding and removing documents one at a time,
// so a KB edit does not rebuild anything. IDF and average length are read live from the counts.
import { type FeatureOptions, KEYWORD_FEATURES, termFrequencies, textFeatures } from '../embeddings/text-features.js';

export interface Bm25Options {
  k1: number;
  b: number;
  features: FeatureOptions;
  /** Candidate budget of {@link Bm25Index.search} (keeps latency flat on 100k-chunk KBs). */
  maxCandidates: number;
}

export const DEFAULT_BM25_OPTIONS: Bm25Options = { k1: 1.2, b: 0.75, features: KEYWORD_FEATURES, maxCandidates: 1000 };

/** One scored document. `normalised` is the score divided by the query's total IDF, clamped to [0, 1]. */
export interface Bm25Hit {
  id: string;
  score: number;
  normalised: number;
}

interface Doc {
  tf: Map<string, number>;
  length: number;
}

/** An incremental BM25 index of documents keyed by string id. */
export class Bm25Index {
  private readonly docs = new Map<string, Doc>();
  private readonly postings = new Map<string, Map<string, number>>();
  private totalLength = 0;
  private readonly opts: Bm25Options;

  constructor(options: Partial<Bm25Options> = {}) {
    this.opts = { ...DEFAULT_BM25_OPTIONS, ...options };
  }

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** Adds or replaces the document `id`. */
  add(id: string, text: string): void {
    if (this.docs.has(id)) this.remove(id);
    const tf = termFrequencies(textFeatures(text, this.opts.features));
    let length = 0;
    for (const [term, f] of tf) {
      length += f;
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(id, f);
    }
    this.docs.set(id, { tf, length });
    this.totalLength += length;
  }

  /** Removes the document `id`; returns whether it was there. */
  remove(id: string): boolean {
    const doc = this.docs.get(id);
    if (!doc) return false;
    for (const term of doc.tf.keys()) {
      const posting = this.postings.get(term);
      posting?.delete(id);
      if (posting?.size === 0) this.postings.delete(term);
    }
    this.docs.delete(id);
    this.totalLength -= doc.length;
    return true;
  }

  /** Robertson–Spärck Jones IDF, floored at 0 by the `1 +` so very common terms never subtract. */
  idf(term: string): number {
    const n = this.docs.size;
    const df = this.postings.get(term)?.size ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * The top `k` documents for the query (all matches when `k` is omitted). Query terms count once each
   * (a repeated word in a question is not more important).
   *
   * Candidates come from the postings of the query's rarest terms first, until `maxCandidates`
   * documents are collected: common terms (花呗 in a 花呗 FAQ, "order" in a shop) cost the most and
   * discriminate the least. Every candidate is then scored exactly over all query terms, so scores
   * are true BM25; a KB smaller than `maxCandidates` is searched exhaustively.
   */
  search(query: string, k?: number, exclude?: ReadonlySet<string>): Bm25Hit[] {
    const q = this.prepare(query);
    const { k1, b } = this.opts;
    const avg = this.docs.size ? this.totalLength / this.docs.size : 1;
    const byRarity = q.terms.map((t) => ({ ...t, posting: this.postings.get(t.term) })).sort((x, y) => (x.posting?.size ?? 0) - (y.posting?.size ?? 0));
    // Term-at-a-time over the rare terms' postings; the common terms left over are added per candidate.
    const scores = new Map<string, number>();
    let next = 0;
    const budget = this.opts.maxCandidates;
    for (; next < byRarity.length; next++) {
      const { idf, posting } = byRarity[next] ?? {};
      if (!posting || idf === undefined) continue;
      // Stop before a term whose postings would overrun the budget (the first term always counts).
      if (this.docs.size > budget && scores.size > 0 && scores.size + posting.size > budget) break;
      for (const [id, f] of posting) {
        if (exclude?.has(id)) continue;
        const len = this.docs.get(id)?.length ?? avg;
        scores.set(id, (scores.get(id) ?? 0) + (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * len) / avg)));
      }
    }
    const rest = byRarity.slice(next).filter((t) => t.posting);
    const hits: Bm25Hit[] = [];
    for (let [id, score] of scores) {
      if (rest.length) {
        const doc = this.docs.get(id);
        for (const { term, idf } of rest) {
          const f = doc?.tf.get(term);
          if (f && doc) score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * doc.length) / avg));
        }
      }
      hits.push({ id, score, normalised: q.queryIdf > 0 ? Math.min(1, score / q.queryIdf) : 0 });
    }
    hits.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
    return k === undefined ? hits : hits.slice(0, k);
  }

  private prepare(query: string): { terms: { term: string; idf: number }[]; queryIdf: number } {
    const terms = [...termFrequencies(textFeatures(query, this.opts.features)).keys()].map((term) => ({ term, idf: this.idf(term) }));
    return { terms, queryIdf: terms.reduce((s, t) => s + t.idf, 0) };
  }

  private scorePrepared(q: { terms: { term: string; idf: number }[]; queryIdf: number }, id: string): Bm25Hit {
    const doc = this.docs.get(id);
    if (!doc) return { id, score: 0, normalised: 0 };
    const { k1, b } = this.opts;
    const avg = this.docs.size ? this.totalLength / this.docs.size : 1;
    let score = 0;
    for (const { term, idf } of q.terms) {
      const f = doc.tf.get(term);
      if (f) score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * doc.length) / avg));
    }
    return { id, score, normalised: q.queryIdf > 0 ? Math.min(1, score / q.queryIdf) : 0 };
  }

  /** Exact scores of the given documents for a query (0 for absent ones). */
  scoreIds(query: string, ids: Iterable<string>): Map<string, Bm25Hit> {
    const q = this.prepare(query);
    return new Map([...ids].map((id) => [id, this.scorePrepared(q, id)]));
  }

  /** Score of one document for a query (0 when absent or sharing no term). */
  scoreOf(query: string, id: string): Bm25Hit {
    return this.scoreIds(query, [id]).get(id) ?? { id, score: 0, normalised: 0 };
  }
}

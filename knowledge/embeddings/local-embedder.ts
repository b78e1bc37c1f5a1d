// The embedded-default embedder: no network, no model download. A text becomes
//   [ √(1−a) · hashed TF-IDF (signed feature hashing into `hashDim`) | √a · LSA projection (`lsaRank`) ]
// each half L2-normalised, so cosine(x, y) = (1−a)·cos_tfidf + a·cos_lsa. The TF-IDF half matches
// surface forms (Chinese char uni/bigrams; English words, word bigrams, char 3–5-grams); the LSA half,
// fitted on the knowledge base's own term-document matrix, lets co-occurring terms (还款/还钱,
// refund/return) meet. Everything fitted comes from the KB documents only, never from queries.
import { z } from 'zod';
import type { Embedder } from '../ports.js';
import { base64ToFloats, base64ToInts, floatsToBase64, fnv1a, fnv1aBytes } from './hashing.js';
import { type SparseRow, truncatedSvdSteps } from './lsa.js';
import { runInSlices, runNow, type Steps, stepEndsAt } from './steps.js';
import { EMBEDDER_FEATURES, type FeatureOptions, termFrequencies, textFeatures } from './text-features.js';

/** Feature keys are hashed into 2^20 buckets first: collisions there are negligible (< 0.1 %). */
const BUCKET_MASK = (1 << 20) - 1;

export interface LocalEmbedderOptions {
  /** Size of the hashed TF-IDF half (a power of two). */
  hashDim: number;
  /** Number of LSA dimensions (0 disables LSA). */
  lsaRank: number;
  /** Share `a` of the cosine given to the LSA half. */
  lsaWeight: number;
  /** LSA uses only the most frequent terms (df ≥ 2): keeps the fitted state small on large KBs. */
  lsaMaxTerms: number;
  features: FeatureOptions;
}

/** Chosen on the zh AFQMC 1k and HINT3 benchmarks (see bench/kb.ts); a handful of global knobs. */
export const DEFAULT_LOCAL_EMBEDDER_OPTIONS: LocalEmbedderOptions = {
  hashDim: 512,
  lsaRank: 64,
  lsaWeight: 0.5,
  lsaMaxTerms: 20_000,
  features: EMBEDDER_FEATURES,
};

const ZOptions = z.object({
  hashDim: z.number().int().positive(),
  lsaRank: z.number().int().min(0),
  lsaWeight: z.number().min(0).max(1),
  lsaMaxTerms: z.number().int().min(0),
  features: z.object({ zhMaxN: z.number().int(), enCharMaxN: z.number().int(), enBigrams: z.boolean(), stopWeight: z.number() }),
});

/** Serialised fitted state (typed arrays as base64). */
export const ZLocalEmbedderState = z.object({
  kind: z.literal('local-tfidf-lsa'),
  version: z.literal(1),
  options: ZOptions,
  nDocs: z.number().int().min(0),
  buckets: z.string(),
  idf: z.string(),
  lsaBuckets: z.string(),
  lsaRank: z.number().int().min(0),
  components: z.string(),
});
export type LocalEmbedderState = z.infer<typeof ZLocalEmbedderState>;

const hashKey = (key: string) => fnv1a(key);
const smoothIdf = (n: number, df: number) => Math.log((1 + n) / (1 + df)) + 1;

/** Deterministic, offline embedder for zh + en; construct with {@link LocalEmbedder.fit} or {@link LocalEmbedder.fromJSON}. */
export class LocalEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly idfByBucket: Map<number, number>;
  private readonly lsaColByBucket: Map<number, number>;
  private readonly unseenIdf: number;

  private constructor(
    private readonly options: LocalEmbedderOptions,
    private readonly nDocs: number,
    private readonly buckets: Int32Array,
    private readonly idf: Float32Array,
    private readonly lsaBuckets: Int32Array,
    private readonly lsaRank: number,
    private readonly components: Float32Array,
  ) {
    this.dimension = options.hashDim + options.lsaRank;
    this.idfByBucket = new Map(Array.from(buckets, (b, i) => [b, idf[i] ?? 0]));
    this.lsaColByBucket = new Map(Array.from(lsaBuckets, (b, i) => [b, i]));
    // A query term the KB never saw is as rare as it gets: it cannot match, but it does lower the
    // cosine, which is what an out-of-scope query should do.
    this.unseenIdf = smoothIdf(nDocs, 0);
    const fingerprint = fnv1aBytes([buckets, idf, lsaBuckets, components], fnv1a(JSON.stringify(options)));
    this.id = `local-tfidf-lsa-v1:${this.dimension}:${fingerprint.toString(16).padStart(8, '0')}`;
  }

  /** Fits IDF and LSA on the knowledge-base documents. Deterministic: same texts and options → same id and vectors. */
  static fit(documents: string[], options: Partial<LocalEmbedderOptions> = {}): LocalEmbedder {
    return runNow(LocalEmbedder.fitSteps(documents, options));
  }

  /** {@link fit} in slices that leave the event loop a turn between them (a running bot's refit); the same result. */
  static fitInSlices(documents: string[], options: Partial<LocalEmbedderOptions> = {}): Promise<LocalEmbedder> {
    return runInSlices(LocalEmbedder.fitSteps(documents, options));
  }

  private static *fitSteps(documents: string[], options: Partial<LocalEmbedderOptions>): Steps<LocalEmbedder> {
    const opts: LocalEmbedderOptions = { ...DEFAULT_LOCAL_EMBEDDER_OPTIONS, ...options };
    if ((opts.hashDim & (opts.hashDim - 1)) !== 0) throw new Error(`hashDim must be a power of two, got ${opts.hashDim}`);
    const docTf: Map<number, number>[] = [];
    for (const d of documents) {
      docTf.push(bucketTf(d, opts.features));
      if (stepEndsAt(docTf.length - 1)) yield;
    }
    const df = new Map<number, number>();
    for (const [i, tf] of docTf.entries()) {
      for (const b of tf.keys()) df.set(b, (df.get(b) ?? 0) + 1);
      if (stepEndsAt(i)) yield;
    }
    const buckets = Int32Array.from([...df.keys()].sort((a, b) => a - b));
    const idf = Float32Array.from(buckets, (b) => smoothIdf(documents.length, df.get(b) ?? 0));
    const lsaBuckets = Int32Array.from(
      [...df.entries()]
        .filter(([, n]) => n >= 2)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, opts.lsaMaxTerms)
        .map(([b]) => b),
    );
    yield;
    let components: Float32Array = new Float32Array(0);
    let rank = 0;
    if (opts.lsaRank > 0 && lsaBuckets.length > 0) {
      const proto = new LocalEmbedder({ ...opts, lsaRank: 0 }, documents.length, buckets, idf, lsaBuckets, 0, components);
      const rows: SparseRow[] = [];
      for (const tf of docTf) {
        rows.push(proto.lsaRow(proto.tfidf(tf)));
        if (stepEndsAt(rows.length - 1)) yield;
      }
      const lsa = yield* truncatedSvdSteps(rows, lsaBuckets.length, opts.lsaRank);
      components = lsa.components;
      rank = lsa.rank;
    }
    // A tiny KB may support fewer LSA dimensions than asked: pad with zeros so `dimension` is stable.
    if (rank < opts.lsaRank) components = padComponents(components, lsaBuckets.length, rank, opts.lsaRank);
    return new LocalEmbedder(opts, documents.length, buckets, idf, lsaBuckets, opts.lsaRank, components);
  }

  /** Restores an embedder from {@link LocalEmbedder.toJSON}; throws on a malformed state. */
  static fromJSON(state: unknown): LocalEmbedder {
    const s = ZLocalEmbedderState.parse(state);
    return new LocalEmbedder(
      s.options,
      s.nDocs,
      base64ToInts(s.buckets),
      base64ToFloats(s.idf),
      base64ToInts(s.lsaBuckets),
      s.lsaRank,
      base64ToFloats(s.components),
    );
  }

  toJSON(): LocalEmbedderState {
    return {
      kind: 'local-tfidf-lsa',
      version: 1,
      options: this.options,
      nDocs: this.nDocs,
      buckets: floatsToBase64(this.buckets),
      idf: floatsToBase64(this.idf),
      lsaBuckets: floatsToBase64(this.lsaBuckets),
      lsaRank: this.lsaRank,
      components: floatsToBase64(this.components),
    };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedSync(t));
  }

  /** Synchronous form of {@link embed} for one text; an empty or feature-less text gives the zero vector. */
  embedSync(text: string): Float32Array {
    const { hashDim, lsaRank, lsaWeight } = this.options;
    const out = new Float32Array(this.dimension);
    const sparse = this.tfidf(bucketTf(text, this.options.features));
    for (const [bucket, v] of sparse) out[bucket & (hashDim - 1)] = (out[bucket & (hashDim - 1)] ?? 0) + (bucket & 0x80000 ? -v : v);
    const hashedNorm = normalise(out, 0, hashDim);
    let lsaNorm = 0;
    if (lsaRank > 0) {
      for (const [bucket, v] of sparse) {
        const col = this.lsaColByBucket.get(bucket);
        if (col === undefined) continue;
        for (let t = 0; t < lsaRank; t++) out[hashDim + t] = (out[hashDim + t] ?? 0) + v * (this.components[col * lsaRank + t] ?? 0);
      }
      lsaNorm = normalise(out, hashDim, this.dimension);
    }
    // Blend weights; if one half is empty the other takes the whole norm so the vector stays unit length.
    const wLsa = lsaNorm > 0 ? (hashedNorm > 0 ? Math.sqrt(lsaWeight) : 1) : 0;
    const wHash = hashedNorm > 0 ? (lsaNorm > 0 ? Math.sqrt(1 - lsaWeight) : 1) : 0;
    for (let i = 0; i < hashDim; i++) out[i] = (out[i] ?? 0) * wHash;
    for (let i = hashDim; i < this.dimension; i++) out[i] = (out[i] ?? 0) * wLsa;
    return out;
  }

  /** Sublinear TF × IDF, L2-normalised, keyed by bucket. */
  private tfidf(tf: Map<number, number>): Map<number, number> {
    const out = new Map<number, number>();
    let norm = 0;
    for (const [b, f] of tf) {
      const v = (f <= 1 ? f : 1 + Math.log(f)) * (this.idfByBucket.get(b) ?? this.unseenIdf);
      out.set(b, v);
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [b, v] of out) out.set(b, v / norm);
    return out;
  }

  private lsaRow(sparse: Map<number, number>): SparseRow {
    const cols: number[] = [];
    const vals: number[] = [];
    for (const [b, v] of sparse) {
      const c = this.lsaColByBucket.get(b);
      if (c === undefined) continue;
      cols.push(c);
      vals.push(v);
    }
    return { cols: Int32Array.from(cols), vals: Float32Array.from(vals) };
  }
}

function bucketTf(text: string, features: FeatureOptions): Map<number, number> {
  const out = new Map<number, number>();
  for (const [key, f] of termFrequencies(textFeatures(text, features))) {
    const b = hashKey(key) & BUCKET_MASK;
    out.set(b, (out.get(b) ?? 0) + f);
  }
  return out;
}

/** Scales v[from..to) to unit length in place; returns the norm it had. */
function normalise(v: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (v[i] ?? 0) ** 2;
  const norm = Math.sqrt(s);
  if (norm > 0) for (let i = from; i < to; i++) v[i] = (v[i] ?? 0) / norm;
  return norm;
}

function padComponents(c: Float32Array, rows: number, rank: number, target: number): Float32Array {
  const out = new Float32Array(rows * target);
  for (let r = 0; r < rows; r++) for (let t = 0; t < rank; t++) out[r * target + t] = c[r * rank + t] ?? 0;
  return out;
}

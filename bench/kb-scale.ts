// HNSW at 100k chunks. The chunks are real embeddings of synthetic texts: each is the first half of
// one KB question glued to the second half of another (zh AFQMC 1k + en HINT3 pools, seeded), so
// the vectors have the sparsity and clustering of real KB text, not of random unit vectors. Queries
// are 500 further recombinations that are not in the index. Recall@10 is against an exact
// brute-force inner-product search over the same vectors.
import { join } from 'node:path';
import { seededRandom } from '../knowledge/embeddings/hashing.js';
import { LocalEmbedder } from '../knowledge/embeddings/local-embedder.js';
import { readKbJsonl } from '../knowledge/eval/kb-jsonl.js';
import { percentile } from '../knowledge/eval/kb-metrics.js';
import { HybridRetriever } from '../knowledge/retrieval/hybrid-retriever.js';
import { DATA_DIR, zhBankTexts } from './kb-suites.js';

function recombine(pool: string[], n: number, seed: number): string[] {
  const rnd = seededRandom(seed);
  const pick = () => pool[Math.floor(rnd() * pool.length)] ?? '';
  return Array.from({ length: n }, () => {
    const a = [...pick()];
    const b = [...pick()];
    return a.slice(0, Math.ceil(a.length / 2)).join('') + b.slice(Math.floor(b.length / 2)).join('');
  });
}

export interface ScaleResult {
  chunks: number;
  dimension: number;
  vectors: string;
  embed_s: number;
  build_s: number;
  m: number;
  ef_construction: number;
  ef_search: number;
  hnsw_p50_ms: number;
  hnsw_p99_ms: number;
  recall_at_10: number;
  /** The same search at other beam widths (latency/recall trade-off). */
  ef_sweep: { ef: number; p99_ms: number; recall_at_10: number }[];
  hybrid_p50_ms: number;
  hybrid_p99_ms: number;
}

/** Builds a hybrid retriever over `n` synthetic chunks and measures HNSW and end-to-end search. */
export async function scaleBench(n = 100_000, nQueries = 500, efSweep = [64, 128, 256, 400]): Promise<ScaleResult> {
  const zh = zhBankTexts();
  const en = readKbJsonl(join(DATA_DIR, 'en-hint3', 'faq_bank.jsonl')).flatMap((e) => e.texts);
  const pool = [...zh, ...en];
  const embedder = LocalEmbedder.fit(pool);
  const texts = recombine(pool, n, 1);
  const queries = recombine(pool, nQueries, 2);

  let t0 = performance.now();
  const vectors = await embedder.embed(texts);
  const embedS = (performance.now() - t0) / 1000;
  const dim = embedder.dimension;
  // Hand the precomputed vectors to the retriever through a caching embedder so the build time
  // below is HNSW + BM25 only.
  const cache = new Map(texts.map((t, i) => [t, vectors[i] ?? new Float32Array(dim)]));
  const cached = { id: embedder.id, dimension: dim, embed: async (ts: string[]) => ts.map((t) => cache.get(t) ?? embedder.embedSync(t)) };
  t0 = performance.now();
  const retriever = await HybridRetriever.create(
    cached,
    texts.map((t, i) => ({ id: `c${i}`, texts: [t] })),
    { index: { initialCapacity: n } },
  );
  const buildS = (performance.now() - t0) / 1000;
  const index = retriever.vectorIndex;

  const flat = new Float32Array(n * dim);
  vectors.forEach((v, i) => {
    flat.set(v, i * dim);
  });
  const queryVectors = queries.map((q) => embedder.embedSync(q));
  const exact = queryVectors.map((qv) => bruteForceTop(flat, n, dim, qv, 10));
  const measure = (ef: number) => {
    const ms: number[] = [];
    let found = 0;
    queryVectors.forEach((qv, qi) => {
      const t = performance.now();
      const approx = new Set(index.search(qv, 10, { ef }).map((h) => h.id));
      ms.push(performance.now() - t);
      for (const i of exact[qi] ?? []) if (approx.has(`c${i}\u001f0`)) found++;
    });
    return { ef, p50_ms: round(percentile(ms, 50)), p99_ms: round(percentile(ms, 99)), recall_at_10: round(found / (10 * queries.length)) };
  };
  const atDefault = measure(index.options.efSearch);
  const sweep = efSweep.map(measure);
  // Warm the hybrid path (BM25, fusion, the query embedder) on other queries first: a running bot is warm,
  // and the first cold searches (JIT) would otherwise be the p99 of 500.
  for (const q of recombine(pool, 100, 3)) await retriever.search(q, 5);
  const hybridMs: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await retriever.search(q, 5);
    hybridMs.push(performance.now() - t);
  }
  return {
    chunks: n,
    dimension: dim,
    vectors: 'local embedder on recombined zh+en KB questions',
    embed_s: round(embedS),
    build_s: round(buildS),
    m: index.options.m,
    ef_construction: index.options.efConstruction,
    ef_search: index.options.efSearch,
    hnsw_p50_ms: atDefault.p50_ms,
    hnsw_p99_ms: atDefault.p99_ms,
    recall_at_10: atDefault.recall_at_10,
    ef_sweep: sweep.map(({ ef, p99_ms, recall_at_10 }) => ({ ef, p99_ms, recall_at_10 })),
    hybrid_p50_ms: round(percentile(hybridMs, 50)),
    hybrid_p99_ms: round(percentile(hybridMs, 99)),
  };
}

function bruteForceTop(flat: Float32Array, n: number, dim: number, q: Float32Array, k: number): number[] {
  const top: { i: number; s: number }[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    const off = i * dim;
    for (let d = 0; d < dim; d++) s += (flat[off + d] ?? 0) * (q[d] ?? 0);
    if (top.length < k || s > (top[top.length - 1]?.s ?? -Infinity)) {
      top.push({ i, s });
      top.sort((a, b) => b.s - a.s);
      if (top.length > k) top.pop();
    }
  }
  return top.map((t) => t.i);
}

const round = (x: number) => Number(x.toFixed(3));

// The comparison point: plain TF-IDF cosine, brute force, exact vocabulary. Chinese: raw character
// unigrams + bigrams; English: lower-cased words. No normalisation, folding, LSA or BM25 — the kind
// of baseline the data README measured with scikit-learn (char TF-IDF zh hit@5 0.63).
import type { KbEntry, KbHit, KbSearcher } from '../knowledge/retrieval/hybrid-retriever.js';

function tokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\u3400-\u9fff]+|[a-z0-9]+/g)) {
    const s = m[0];
    if (/^[a-z0-9]/.test(s)) {
      out.push(s);
      continue;
    }
    const chars = [...s];
    chars.forEach((c, i) => {
      out.push(c);
      if (i + 1 < chars.length) out.push(c + chars[i + 1]);
    });
  }
  return out;
}

/** TF-IDF cosine searcher with IDF fitted on `fitTexts` (the KB documents). */
export class TfidfBaseline implements KbSearcher {
  private readonly idf = new Map<string, number>();
  private readonly n: number;
  private readonly chunks = new Map<string, { entry: string; text: string; vec: Map<string, number> }[]>();

  constructor(fitTexts: string[]) {
    this.n = fitTexts.length;
    const df = new Map<string, number>();
    for (const t of fitTexts) for (const tok of new Set(tokens(t))) df.set(tok, (df.get(tok) ?? 0) + 1);
    for (const [tok, d] of df) this.idf.set(tok, Math.log((1 + this.n) / (1 + d)) + 1);
  }

  private vector(text: string): Map<string, number> {
    const v = new Map<string, number>();
    for (const tok of tokens(text)) v.set(tok, (v.get(tok) ?? 0) + 1);
    let norm = 0;
    for (const [tok, f] of v) {
      const w = f * (this.idf.get(tok) ?? Math.log(1 + this.n) + 1);
      v.set(tok, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [tok, w] of v) v.set(tok, w / norm);
    return v;
  }

  async upsert(e: KbEntry): Promise<void> {
    this.chunks.set(
      e.id,
      e.texts.map((text) => ({ entry: e.id, text, vec: this.vector(text) })),
    );
  }

  async search(query: string, k: number, opts: { exclude?: ReadonlySet<string> } = {}): Promise<KbHit[]> {
    const q = this.vector(query);
    const hits: KbHit[] = [];
    for (const [id, chunks] of this.chunks) {
      if (opts.exclude?.has(id)) continue;
      let best = { s: -1, text: '' };
      for (const c of chunks) {
        let s = 0;
        for (const [tok, w] of q) s += w * (c.vec.get(tok) ?? 0);
        if (s > best.s) best = { s, text: c.text };
      }
      hits.push({ id, score: best.s, vectorScore: best.s, keywordScore: 0, matchedText: best.text });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }
}

// Knowledge-base retrieval evaluation: build a retriever over the KB, run every query, and report
// ranking quality, latency and auto-answer precision/coverage (definitions in kb-metrics.ts).
import type { KbEntry, KbSearcher } from '../retrieval/hybrid-retriever.js';
import { computeKbMetrics, type KbMetrics, type RankedQuery } from './kb-metrics.js';

export interface KbQuery {
  text: string;
  /** The entry that answers it; null = out of scope (must not be auto-answered). */
  gold_faq_id: string | null;
}

export interface EvaluateKbInput {
  kb: KbEntry[];
  queries: KbQuery[];
  /** Auto-answer threshold on the calibrated score. */
  threshold: number;
  /** Builds the system under test over `kb` (not timed). */
  createRetriever: (kb: KbEntry[]) => Promise<KbSearcher>;
  /** Ranks retrieved per query for hit@k / MRR (default 10). */
  k?: number;
}

/** Evaluates retrieval over `kb` with `queries`; latency is per `search` call, sequential. */
export async function evaluateKb(input: EvaluateKbInput): Promise<KbMetrics> {
  const retriever = await input.createRetriever(input.kb);
  const rows: RankedQuery[] = [];
  for (const q of input.queries) {
    const t0 = performance.now();
    const ranked = await retriever.search(q.text, input.k ?? 10);
    rows.push({ gold: q.gold_faq_id, ranked, ms: performance.now() - t0 });
  }
  return computeKbMetrics(rows, input.threshold);
}

// Retrieval metrics with the definitions the benchmarks and the auto-answer policy rely on.

/** One evaluated query: its gold entry (null = out of scope), the ranked entry ids with scores, and the search time. */
export interface RankedQuery {
  gold: string | null;
  ranked: { id: string; score: number }[];
  ms: number;
}

export interface KbMetrics {
  /** All queries, in scope and out of scope. */
  n: number;
  /** Queries with a gold entry. */
  n_in_scope: number;
  hit_at_1: number;
  hit_at_5: number;
  mrr: number;
  p50_ms: number;
  p99_ms: number;
  /** Share of auto-answers (top score ≥ threshold) that are correct; an answered out-of-scope query is wrong. NaN when nothing is answered. */
  answer_precision: number;
  /** Share of in-scope queries auto-answered (correctly or not). */
  answer_coverage: number;
  /** Share of out-of-scope queries auto-answered (should be low). */
  out_of_scope_answered: number;
}

/** Nearest-rank percentile of `samples` (NaN when empty). */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * hit@k and MRR over in-scope queries (rank of the gold id in `ranked`, 0 reciprocal when absent);
 * precision and coverage of auto-answering at `threshold` as documented on {@link KbMetrics}.
 */
export function computeKbMetrics(rows: RankedQuery[], threshold: number): KbMetrics {
  const inScope = rows.filter((r) => r.gold !== null);
  const outScope = rows.length - inScope.length;
  let hit1 = 0;
  let hit5 = 0;
  let rr = 0;
  for (const r of inScope) {
    const rank = r.ranked.findIndex((h) => h.id === r.gold) + 1;
    if (rank === 1) hit1++;
    if (rank >= 1 && rank <= 5) hit5++;
    if (rank >= 1) rr += 1 / rank;
  }
  let answered = 0;
  let correct = 0;
  let answeredInScope = 0;
  let answeredOutScope = 0;
  for (const r of rows) {
    const top = r.ranked[0];
    if (!top || top.score < threshold) continue;
    answered++;
    if (r.gold === null) answeredOutScope++;
    else {
      answeredInScope++;
      if (top.id === r.gold) correct++;
    }
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
  const ms = rows.map((r) => r.ms);
  return {
    n: rows.length,
    n_in_scope: inScope.length,
    hit_at_1: ratio(hit1, inScope.length),
    hit_at_5: ratio(hit5, inScope.length),
    mrr: ratio(rr, inScope.length),
    p50_ms: percentile(ms, 50),
    p99_ms: percentile(ms, 99),
    answer_precision: ratio(correct, answered),
    answer_coverage: ratio(answeredInScope, inScope.length),
    out_of_scope_answered: ratio(answeredOutScope, outScope),
  };
}

/** Rounds every number of a metrics object for printing. */
export function roundMetrics<T extends object>(m: T, digits = 3): T {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(digits)) : v])) as T;
}

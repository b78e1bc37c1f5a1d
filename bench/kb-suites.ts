// The retrieval benchmark suites: zh AFQMC 1k (dev queries + gold-removed out-of-scope variants)
// and en HINT3 leave-one-out. Each suite takes a factory so the hybrid retriever and the TF-IDF
// baseline run through exactly the same procedure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateKb } from '../knowledge/eval/eval-kb.js';
import { readKbJsonl, readQueriesJsonl } from '../knowledge/eval/kb-jsonl.js';
import { computeKbMetrics, type KbMetrics, type RankedQuery } from '../knowledge/eval/kb-metrics.js';
import type { KbEntry, KbHit } from '../knowledge/retrieval/hybrid-retriever.js';

/** Where the shared development data lives (never copied into the repo). */
export const DATA_DIR = process.env.TICKETBOT_DEV_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data');

/** What a suite needs from a system under test. `fit` lists the KB texts it may fit on. */
export interface Searcher {
  search(query: string, k: number, opts?: { exclude?: ReadonlySet<string> }): Promise<KbHit[]>;
  upsert(entry: KbEntry): Promise<void>;
}
export type Factory = (kb: KbEntry[]) => Promise<Searcher>;

export interface SuiteResult {
  /** In-scope queries only (the dev file as given). */
  inScope: KbMetrics;
  /** In-scope queries plus, per query, an out-of-scope twin: the same text searched with its gold entry removed. */
  withOutOfScope: KbMetrics;
  rows: RankedQuery[];
}

const ZH_BANK_1K = join(DATA_DIR, 'zh-afqmc', 'faq_bank_1k.jsonl');
const ZH_QUERIES_1K = join(DATA_DIR, 'zh-afqmc', 'queries_1k_dev.jsonl');

/** Whether the zh 1k bank and its dev queries are in the data folder (some copies hold only the full bank). */
export function hasZhSuite(): boolean {
  return existsSync(ZH_BANK_1K) && existsSync(ZH_QUERIES_1K);
}

/** Chinese FAQ questions for synthetic scale data: the 1k bank, else the first 1,000 entries of the full one. */
export function zhBankTexts(): string[] {
  const kb = existsSync(ZH_BANK_1K) ? readKbJsonl(ZH_BANK_1K) : readKbJsonl(join(DATA_DIR, 'zh-afqmc', 'faq_bank.jsonl')).slice(0, 1_000);
  return kb.flatMap((e) => e.texts);
}

/** zh AFQMC 1k bank + 510 dev queries. Out-of-scope twins use `exclude` (the gold entry is not in the KB). */
export async function zhSuite(make: Factory, threshold: number): Promise<SuiteResult> {
  const kb = readKbJsonl(ZH_BANK_1K);
  const queries = readQueriesJsonl(ZH_QUERIES_1K);
  const searcher = await make(kb);
  const inScope = await evaluateKb({ kb, queries, threshold, createRetriever: async () => searcher });
  const rows: RankedQuery[] = [];
  for (const q of queries) {
    for (const removed of [false, true]) {
      const exclude = removed && q.gold_faq_id ? new Set([q.gold_faq_id]) : undefined;
      const t0 = performance.now();
      const ranked = await searcher.search(q.text, 10, exclude ? { exclude } : {});
      rows.push({ gold: removed ? null : q.gold_faq_id, ranked, ms: performance.now() - t0 });
    }
  }
  return { inScope, withOutOfScope: computeKbMetrics(rows, threshold), rows };
}

/**
 * en HINT3 leave-one-out: each example question is a query against the bank with that one question
 * removed from its entry. The fitted state (IDF, LSA) comes from 5 folds: a fold's questions are
 * never in the texts the searcher was fitted on. Out-of-scope twins remove the whole gold entry.
 */
export async function enSuite(make: Factory, threshold: number, folds = 5): Promise<SuiteResult & { perBot: Record<string, KbMetrics> }> {
  const kb = readKbJsonl(join(DATA_DIR, 'en-hint3', 'faq_bank.jsonl'));
  const all = kb.flatMap((e) => e.texts.map((text, i) => ({ entry: e, i, text })));
  const rows: RankedQuery[] = [];
  const rowsByBot: Record<string, RankedQuery[]> = {};
  for (let f = 0; f < folds; f++) {
    const held = all.filter((_, j) => j % folds === f);
    const heldSet = new Set(held.map((h) => `${h.entry.id}#${h.i}`));
    const fitKb = kb.map((e) => ({ id: e.id, texts: e.texts.filter((_, i) => !heldSet.has(`${e.id}#${i}`)) }));
    const searcher = await make(fitKb);
    // Index the full bank (the fitted state stays the fold's), then take one question out per query.
    for (const e of kb) await searcher.upsert(e);
    for (const h of held) {
      await searcher.upsert({ id: h.entry.id, texts: h.entry.texts.filter((_, i) => i !== h.i) });
      const t0 = performance.now();
      const ranked = await searcher.search(h.text, 10);
      const ms = performance.now() - t0;
      const ranked2 = await searcher.search(h.text, 10, { exclude: new Set([h.entry.id]) });
      await searcher.upsert(h.entry);
      const bot = h.entry.id.split(':')[0] ?? '';
      const inRow = { gold: h.entry.id, ranked, ms };
      const outRow = { gold: null, ranked: ranked2, ms };
      rows.push(inRow, outRow);
      rowsByBot[bot] = [...(rowsByBot[bot] ?? []), inRow];
    }
  }
  const perBot = Object.fromEntries(Object.entries(rowsByBot).map(([bot, r]) => [bot, computeKbMetrics(r, threshold)]));
  return {
    inScope: computeKbMetrics(
      rows.filter((r) => r.gold !== null),
      threshold,
    ),
    withOutOfScope: computeKbMetrics(rows, threshold),
    rows,
    perBot,
  };
}

/** Precision / coverage / out-of-scope-answered at a list of thresholds (for choosing the default). */
export function thresholdSweep(rows: RankedQuery[], thresholds: number[]) {
  return thresholds.map((t) => {
    const m = computeKbMetrics(rows, t);
    return { threshold: t, precision: m.answer_precision, coverage: m.answer_coverage, oos_answered: m.out_of_scope_answered };
  });
}

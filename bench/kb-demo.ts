// `npx tsx bench/kb-demo.ts`: retrieval figures on the bundled demo knowledge base (knowledge/demo)
// against the blind query set test/fixtures/demo-kb-queries.jsonl (gold null = out of scope):
// hit@1, hit@5, MRR, and the calibrated top-1 score for right, wrong and out-of-scope queries.
// Set KB_DEMO_VERBOSE=1 to list the misses; KB_OPTIONS='{…}' overrides HybridOptions (for ablations).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalEmbedder } from '../knowledge/embeddings/local-embedder.js';
import { computeKbMetrics, percentile, type RankedQuery, roundMetrics } from '../knowledge/eval/kb-metrics.js';
import { readSources } from '../knowledge/kb/read-sources.js';
import { embeddedTexts } from '../knowledge/kb/types.js';
import { DEFAULT_AUTO_ANSWER_THRESHOLD, HybridRetriever } from '../knowledge/retrieval/hybrid-retriever.js';

const root = join(import.meta.dirname, '..');
const entries = await readSources(join(root, 'knowledge', 'demo'));
const kb = entries.map((e) => ({ id: `${e.source}#${e.entryId}`, texts: embeddedTexts(e) }));
const queries = readFileSync(join(root, 'test', 'fixtures', 'demo-kb-queries.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { text: string; gold: string | null; lang: 'zh' | 'en' });
const retriever = await HybridRetriever.create(LocalEmbedder.fit(kb.flatMap((e) => e.texts)), kb, JSON.parse(process.env.KB_OPTIONS ?? '{}'));
const rows: RankedQuery[] = [];
const right: number[] = [];
const wrong: number[] = [];
const outOfScope: number[] = [];
for (const q of queries) {
  const t0 = performance.now();
  const ranked = await retriever.search(q.text, 10);
  rows.push({ gold: q.gold, ranked, ms: performance.now() - t0 });
  const top = ranked[0];
  const s = top?.score ?? 0;
  if (q.gold === null) outOfScope.push(s);
  else if (top?.id === q.gold) right.push(s);
  else {
    wrong.push(s);
    if (process.env.KB_DEMO_VERBOSE) {
      const rank = ranked.findIndex((h) => h.id === q.gold) + 1;
      console.log(`miss (gold rank ${rank || '-'}): ${q.text}\n  top: ${top?.id} ${s.toFixed(3)}\n  gold: ${q.gold}`);
    }
  }
}
const dist = (xs: number[]) => {
  const r = (x: number) => Number(x.toFixed(3));
  return { n: xs.length, min: r(Math.min(...xs)), p25: r(percentile(xs, 25)), p50: r(percentile(xs, 50)), p75: r(percentile(xs, 75)), max: r(Math.max(...xs)) };
};
const byLang = (lang: string) =>
  computeKbMetrics(
    rows.filter((_, i) => queries[i]?.lang === lang),
    DEFAULT_AUTO_ANSWER_THRESHOLD,
  );
console.table({ all: roundMetrics(computeKbMetrics(rows, DEFAULT_AUTO_ANSWER_THRESHOLD)), zh: roundMetrics(byLang('zh')), en: roundMetrics(byLang('en')) });
console.log('top-1 calibrated score');
console.table({ right: dist(right), wrong: dist(wrong), out_of_scope: dist(outOfScope) });

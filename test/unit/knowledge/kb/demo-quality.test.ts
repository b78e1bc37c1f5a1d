import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUNDLED_CONFIG, loadConfig } from '../../../../core/config.js';
import { PROJECT_ROOT } from '../../../../core/paths.js';
import { LocalEmbedder } from '../../../../knowledge/embeddings/local-embedder.js';
import { evaluateKb } from '../../../../knowledge/eval/eval-kb.js';
import { readSources } from '../../../../knowledge/kb/read-sources.js';
import { embeddedTexts } from '../../../../knowledge/kb/types.js';
import { HybridRetriever } from '../../../../knowledge/retrieval/hybrid-retriever.js';

// A floor on retrieval quality for the bundled demo knowledge base, measured with 80 queries written
// blind (without looking at rankings): 70 in scope (zh and en), 10 out of scope. Measured figures are
// in docs/benchmarks.md; these floors sit a little below them so that a regression fails the build.
describe('retrieval quality on the bundled demo knowledge base', async () => {
  const entries = await readSources(join(PROJECT_ROOT, 'knowledge', 'demo'));
  const kb = entries.map((e) => ({ id: `${e.source}#${e.entryId}`, texts: embeddedTexts(e) }));
  const queries = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'demo-kb-queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; gold: string | null; lang: 'zh' | 'en' });
  const threshold = loadConfig(BUNDLED_CONFIG).autoAnswer.threshold;
  const run = (lang: 'zh' | 'en' | 'all') =>
    evaluateKb({
      kb,
      queries: queries.filter((q) => lang === 'all' || q.lang === lang).map((q) => ({ text: q.text, gold_faq_id: q.gold })),
      threshold,
      createRetriever: async (e) => HybridRetriever.create(LocalEmbedder.fit(e.flatMap((x) => x.texts)), e),
    });

  test('every gold key names an entry of the demo knowledge base', () => {
    const ids = new Set(kb.map((e) => e.id));
    for (const q of queries) if (q.gold !== null) expect(ids).toContain(q.gold);
  });

  test.each(['zh', 'en'] as const)('%s: the right entry is in the top 5 for at least 85 percent of questions', async (lang) => {
    const m = await run(lang);
    expect(m.hit_at_5).toBeGreaterThanOrEqual(0.85);
    expect(m.mrr).toBeGreaterThanOrEqual(0.6);
  });

  test('at the default threshold no out-of-scope question is auto-answered, and answers given are right', async () => {
    const m = await run('all');
    expect(m.out_of_scope_answered ?? 0).toBe(0);
    if (m.answer_coverage > 0) expect(m.answer_precision).toBeGreaterThanOrEqual(0.95);
  });
});

// `npx tsx bench/kb.ts` (npm run bench:kb): knowledge-base retrieval figures.
//  (a) zh AFQMC 1k bank + 510 dev queries; (b) en HINT3 leave-one-out over example questions;
//  (c) the same two through a plain char/word TF-IDF cosine baseline; (d) HNSW at 100k chunks.
// Out-of-scope: the data has no gold_faq_id:null queries, so every query also runs once with its
// gold entry removed from the KB (then the right answer is "none"). Prints tables, then one JSON line.
// Env: TICKETBOT_DEV_DATA (data folder), KB_BENCH_CHUNKS (default 100000; 0 skips (d)).
import { LocalEmbedder } from '../knowledge/embeddings/local-embedder.js';
import { roundMetrics } from '../knowledge/eval/kb-metrics.js';
import { DEFAULT_AUTO_ANSWER_THRESHOLD, HybridRetriever } from '../knowledge/retrieval/hybrid-retriever.js';
import { TfidfBaseline } from './kb-baseline.js';
import { scaleBench } from './kb-scale.js';
import { DATA_DIR, enSuite, type Factory, hasZhSuite, thresholdSweep, zhSuite } from './kb-suites.js';

const THRESHOLD = DEFAULT_AUTO_ANSWER_THRESHOLD;
const SWEEP = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

const hybrid: Factory = async (kb) => HybridRetriever.create(LocalEmbedder.fit(kb.flatMap((e) => e.texts)), kb);
const hybridNoLsa: Factory = async (kb) =>
  HybridRetriever.create(
    LocalEmbedder.fit(
      kb.flatMap((e) => e.texts),
      { lsaRank: 0 },
    ),
    kb,
  );
const vectorOnly: Factory = async (kb) => HybridRetriever.create(LocalEmbedder.fit(kb.flatMap((e) => e.texts)), kb, { vectorWeight: 1 });
const baseline: Factory = async (kb) => {
  const b = new TfidfBaseline(kb.flatMap((e) => e.texts));
  for (const e of kb) await b.upsert(e);
  return b;
};

/** Runs every suite; returns the figures printed on the last line. */
export async function benchKb() {
  console.log(`data: ${DATA_DIR}; auto-answer threshold ${THRESHOLD}`);
  const systems = { hybrid, baseline_tfidf: baseline, ablation_no_lsa: hybridNoLsa, ablation_vector_only: vectorOnly };
  const figures: Record<string, unknown> = { threshold: THRESHOLD };
  const withZh = hasZhSuite();
  if (!withZh) console.log('zh AFQMC 1k bank or its dev queries not in the data folder: the zh suite is skipped');
  for (const [name, make] of Object.entries(systems)) {
    const zh = withZh ? await zhSuite(make, THRESHOLD) : null;
    const en = await enSuite(make, THRESHOLD);
    figures[name] = {
      ...(zh ? { zh_1k: roundMetrics(zh.inScope), zh_1k_with_oos: roundMetrics(zh.withOutOfScope) } : {}),
      en_hint3_loo: roundMetrics(en.inScope),
      en_hint3_loo_with_oos: roundMetrics(en.withOutOfScope),
      en_hint3_per_bot_hit5: Object.fromEntries(Object.entries(en.perBot).map(([bot, m]) => [bot, Number(m.hit_at_5.toFixed(3))])),
    };
    console.log(`\n${name}`);
    console.table({ ...(zh ? { zh_1k: roundMetrics(zh.inScope) } : {}), en_hint3_loo: roundMetrics(en.inScope) });
    if (name === 'hybrid') {
      const sweeps = {
        zh: zh ? thresholdSweep(zh.rows, SWEEP).map((r) => roundMetrics(r)) : [],
        en: thresholdSweep(en.rows, SWEEP).map((r) => roundMetrics(r)),
      };
      console.log('auto-answer sweep, in-scope + gold-removed out-of-scope twins');
      console.table(sweeps.zh.map((r) => ({ set: 'zh', ...r })).concat(sweeps.en.map((r) => ({ set: 'en', ...r }))));
      figures['threshold_sweep'] = sweeps;
    }
  }
  const chunks = Number(process.env.KB_BENCH_CHUNKS ?? 100_000);
  if (chunks > 0) {
    const scale = await scaleBench(chunks, 500);
    console.log(`\nHNSW at ${chunks} chunks`);
    console.table({ ...scale, ef_sweep: undefined });
    console.table(scale.ef_sweep);
    figures['scale'] = scale;
  }
  console.log(JSON.stringify(figures));
  return figures;
}

await benchKb();

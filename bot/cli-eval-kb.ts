import { parseArgs } from 'node:util';
import { loadConfig, parseEnv, resolveConfigPath } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { LocalEmbedder } from '../knowledge/embeddings/local-embedder.js';
import { evaluateKb } from '../knowledge/eval/eval-kb.js';
import { readKbJsonl, readQueriesJsonl } from '../knowledge/eval/kb-jsonl.js';
import { createOpenAIClient, OpenAIEmbedder, parseLlmSettings } from '../knowledge/llm/index.js';
import type { Embedder } from '../knowledge/ports.js';
import { HybridRetriever } from '../knowledge/retrieval/hybrid-retriever.js';

/**
 * `ticketbot eval kb`: hit@1, hit@5, MRR, latency and auto-answer precision/coverage at the threshold
 * (default: the configured auto-answer threshold), with the local embedder or (--embedder openai) the
 * endpoint's.
 */
export async function evalKb(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      kb: { type: 'string' },
      queries: { type: 'string' },
      threshold: { type: 'string' },
      embedder: { type: 'string', default: 'local' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.kb || !values.queries)
    throw new AppError('INVALID_INPUT', { message: 'usage: ticketbot eval kb --kb FILE --queries FILE [--threshold X] [--embedder local|openai] [--json]' });
  const configured = loadConfig(resolveConfigPath(parseEnv(process.env).TICKETBOT_CONFIG)).autoAnswer.threshold;
  const threshold = values.threshold === undefined ? configured : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new AppError('INVALID_INPUT', { message: '--threshold is a number from 0 to 1' });
  const kb = readKbJsonl(values.kb);
  const queries = readQueriesJsonl(values.queries).map((q) => ({ text: q.text, gold_faq_id: q.gold_faq_id }));
  let embedderFor: (texts: string[]) => Promise<Embedder>;
  if (values.embedder === 'openai') {
    const settings = parseLlmSettings(process.env);
    if (!settings) throw new AppError('INVALID_INPUT', { message: '--embedder openai needs OPENAI_API_KEY or OPENAI_BASE_URL' });
    embedderFor = () => OpenAIEmbedder.create({ client: createOpenAIClient(settings), model: settings.embeddingModel, timeoutMs: settings.embeddingTimeoutMs });
  } else if (values.embedder === 'local') embedderFor = async (texts) => LocalEmbedder.fit(texts);
  else throw new AppError('INVALID_INPUT', { message: '--embedder is local or openai' });
  const metrics = await evaluateKb({
    kb,
    queries,
    threshold,
    createRetriever: async (entries) => HybridRetriever.create(await embedderFor(entries.flatMap((e) => e.texts)), entries),
  });
  if (values.json) {
    console.log(JSON.stringify({ ...metrics, threshold }));
    return;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`${values.queries} against ${values.kb} (${kb.length} entries, ${values.embedder} embedder)
queries: ${metrics.n} (${metrics.n_in_scope} in scope)
hit@1 ${pct(metrics.hit_at_1)}   hit@5 ${pct(metrics.hit_at_5)}   MRR ${metrics.mrr.toFixed(3)}
latency per search: p50 ${metrics.p50_ms.toFixed(2)} ms, p99 ${metrics.p99_ms.toFixed(2)} ms
auto-answer at threshold ${threshold}: precision ${pct(metrics.answer_precision)}, coverage ${pct(metrics.answer_coverage)}`);
}

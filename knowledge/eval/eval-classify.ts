// `ticketbot eval classify`: runs a classifier over labelled messages and reports category (and, when
// labelled, priority, sentiment and language) quality, calibration and per-call latency. Without
// training data the default model (trained from the config's categories alone) is evaluated.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type AppConfig, BUNDLED_CONFIG, loadConfig } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import type { Classifier, Triage } from '../../core/ports.js';
import { normalizeOrderNumber } from '../../core/tickets/order-number.js';
import { PRIORITIES, SENTIMENTS, ZPriority } from '../../core/tickets/types.js';
import { type JsonlLineError, parseJsonlLines } from '../jsonl.js';
import { stratifiedFolds } from '../triage/calibration.js';
import { LocalClassifier } from '../triage/local-classifier.js';
import { type ClassificationMetrics, calibrationError, classificationMetrics, percentile } from './classify-metrics.js';

/** One labelled line: `{"text","category"[,"priority"]}`; sentiment, language and order_ids are scored when present. Other fields are ignored. */
export const ZClassifyExample = z.looseObject({
  text: z.string().min(1),
  category: z.string().min(1),
  priority: ZPriority.optional(),
  sentiment: z.enum(SENTIMENTS).optional(),
  language: z.enum(['zh', 'en']).optional(),
  order_ids: z.array(z.string()).optional(),
});
/** A labelled message as read from JSONL. */
export type ClassifyExample = z.infer<typeof ZClassifyExample>;

/** Parses JSONL; every bad line comes back as data with its 1-based line number. Blank lines are skipped. */
export function parseClassifyJsonl(text: string): { examples: ClassifyExample[]; errors: JsonlLineError[] } {
  const { rows, errors } = parseJsonlLines(text, ZClassifyExample);
  return { examples: rows.map((r) => r.value), errors };
}

/** Reads a JSONL file of labelled messages; throws INVALID_INPUT listing every bad line as `file:line: problem`. */
export function readClassifyJsonl(path: string): ClassifyExample[] {
  const { examples, errors } = parseClassifyJsonl(readFileSync(path, 'utf8'));
  if (errors.length) {
    throw new AppError('INVALID_INPUT', {
      message: `${errors.length} bad line(s) in ${path}:\n${errors.map((e) => `${path}:${e.line}: ${e.message}`).join('\n')}`,
      details: errors,
    });
  }
  return examples;
}

/** Builds the classifier under test from the training examples (undefined = none given). Not timed in latency. */
export type ClassifierFactory = (train: readonly ClassifyExample[] | undefined, config: AppConfig) => Classifier | Promise<Classifier>;

/** The local classifier: default model without training data, else trained on config texts + `train`. */
export const localClassifierFactory: ClassifierFactory = (train, config) => LocalClassifier.train(config, train ?? []);

/** Category metrics plus latency, build time, calibration and, when labelled, priority/sentiment/language/order ids. */
export interface ClassifyEvalResult extends ClassificationMetrics {
  p50_ms: number;
  p99_ms: number;
  /** Time to build (train) the classifier, ms. */
  train_ms: number;
  /** How well `confidence` matches accuracy (ECE, lower is better). */
  calibration: { ece: number; mean_confidence: number };
  priority?: ClassificationMetrics;
  sentiment?: ClassificationMetrics;
  language?: { accuracy: number };
  /** Share of messages whose extracted order ids equal the labelled set (after normalisation). */
  order_ids?: { exact_match: number };
}

/** Input of `evaluateClassifier`. */
export interface EvaluateClassifierInput {
  train?: readonly ClassifyExample[] | undefined;
  test: readonly ClassifyExample[];
  /** Default: the bundled config. */
  config?: AppConfig;
  factory?: ClassifierFactory;
  customerTier?: string;
}

let bundled: AppConfig | undefined;
function bundledConfig(): AppConfig {
  bundled ??= loadConfig(BUNDLED_CONFIG);
  return bundled;
}

/** Trains (via the factory) and classifies every test message sequentially; latency is per `classify` call. */
export async function evaluateClassifier(input: EvaluateClassifierInput): Promise<ClassifyEvalResult> {
  const config = input.config ?? bundledConfig();
  const t0 = performance.now();
  const classifier = await (input.factory ?? localClassifierFactory)(input.train, config);
  const train_ms = performance.now() - t0;
  const triages: Triage[] = [];
  const ms: number[] = [];
  for (const e of input.test) {
    const start = performance.now();
    triages.push(await classifier.classify(e.text, { config, customerTier: input.customerTier }));
    ms.push(performance.now() - start);
  }
  return { ...scoreTriages(input.test, triages, config), p50_ms: percentile(ms, 50), p99_ms: percentile(ms, 99), train_ms };
}

// Everything except timings, from test lines and their triage results (same order).
function scoreTriages(test: readonly ClassifyExample[], triages: readonly Triage[], config: AppConfig) {
  const at = (i: number): Triage => triages[i] as Triage;
  const category = classificationMetrics(
    test.map((e) => e.category),
    triages.map((t) => t.category),
    config.categories.map((c) => c.id),
  );
  const calibration = calibrationError(
    triages.map((t) => t.confidence),
    test.map((e, i) => e.category === at(i).category),
  );
  const subset = <K extends 'priority' | 'sentiment'>(key: K, labels: readonly string[]) => {
    const idx = test.flatMap((e, i) => (e[key] === undefined ? [] : [i]));
    if (!idx.length) return undefined;
    return classificationMetrics(
      idx.map((i) => String(test[i]?.[key])),
      idx.map((i) => at(i)[key]),
      labels,
    );
  };
  const result: Omit<ClassifyEvalResult, 'p50_ms' | 'p99_ms' | 'train_ms'> = { ...category, calibration };
  const priority = subset('priority', PRIORITIES);
  const sentiment = subset('sentiment', SENTIMENTS);
  if (priority) result.priority = priority;
  if (sentiment) result.sentiment = sentiment;
  const langIdx = test.flatMap((e, i) => (e.language === undefined ? [] : [i]));
  if (langIdx.length) result.language = { accuracy: langIdx.filter((i) => test[i]?.language === at(i).language).length / langIdx.length };
  const idIdx = test.flatMap((e, i) => (e.order_ids === undefined ? [] : [i]));
  const idSet = (ids: readonly string[]) => JSON.stringify([...new Set(ids.map(normalizeOrderNumber))].sort());
  if (idIdx.length) result.order_ids = { exact_match: idIdx.filter((i) => idSet(test[i]?.order_ids ?? []) === idSet(at(i).orderIds)).length / idIdx.length };
  return result;
}

/**
 * k-fold cross-validation (stratified by category, deterministic): each fold is classified by a
 * classifier built from the other folds plus `extraTrain`; metrics are over the pooled out-of-fold
 * predictions. Latency and train time are summed/pooled over folds.
 */
export async function crossValidateClassifier(input: {
  examples: readonly ClassifyExample[];
  k?: number;
  extraTrain?: readonly ClassifyExample[];
  config?: AppConfig;
  factory?: ClassifierFactory;
}): Promise<ClassifyEvalResult> {
  const k = input.k ?? 5;
  const config = input.config ?? bundledConfig();
  const folds = stratifiedFolds(
    input.examples.map((e) => e.category),
    k,
  );
  const triages: Triage[] = new Array(input.examples.length);
  const ms: number[] = [];
  let train_ms = 0;
  for (let f = 0; f < k; f++) {
    const train = [...(input.extraTrain ?? []), ...input.examples.filter((_, i) => folds[i] !== f)];
    const t0 = performance.now();
    const classifier = await (input.factory ?? localClassifierFactory)(train, config);
    train_ms += performance.now() - t0;
    for (const [i, e] of input.examples.entries()) {
      if (folds[i] !== f) continue;
      const start = performance.now();
      triages[i] = await classifier.classify(e.text, { config });
      ms.push(performance.now() - start);
    }
  }
  return { ...scoreTriages(input.examples, triages, config), p50_ms: percentile(ms, 50), p99_ms: percentile(ms, 99), train_ms };
}

/**
 * What `ticketbot eval classify <test.jsonl> [--train train.jsonl] [--model model.json]` runs: the
 * default model, or one trained on config texts + the train file, or a saved LocalClassifier.
 */
export async function runClassifyEval(opts: {
  test: string;
  train?: string;
  model?: string;
  config?: AppConfig;
}): Promise<{ result: ClassifyEvalResult; report: string }> {
  const test = readClassifyJsonl(opts.test);
  const train = opts.train ? readClassifyJsonl(opts.train) : undefined;
  const model = opts.model;
  const factory: ClassifierFactory | undefined = model ? () => LocalClassifier.fromJSON(JSON.parse(readFileSync(model, 'utf8'))) : undefined;
  const result = await evaluateClassifier({ train, test, ...(opts.config ? { config: opts.config } : {}), ...(factory ? { factory } : {}) });
  const what = model ? `model ${model}` : train ? `trained on config + ${opts.train}` : 'default model (config categories)';
  return { result, report: renderClassifyReport(result, `${opts.test} — ${what}`) };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function metricsTable(m: ClassificationMetrics): string[] {
  const width = Math.max(8, ...m.confusion.labels.map((l) => l.length));
  const lines = [`${'label'.padEnd(width)}  precision  recall     f1  support`];
  for (const label of m.confusion.labels) {
    const c = m.per_class[label];
    if (c)
      lines.push(
        `${label.padEnd(width)}  ${c.precision.toFixed(3).padStart(9)}  ${c.recall.toFixed(3).padStart(6)}  ${c.f1.toFixed(3).padStart(5)}  ${String(c.support).padStart(7)}`,
      );
  }
  lines.push('', 'confusion (rows = gold, columns = predicted, numbered as the rows):');
  lines.push(`${''.padEnd(width + 4)}${m.confusion.labels.map((_, j) => String(j + 1).padStart(4)).join('')}`);
  m.confusion.matrix.forEach((row, i) => {
    lines.push(`${String(i + 1).padStart(2)} ${(m.confusion.labels[i] ?? '').padEnd(width)} ${row.map((v) => (v ? String(v) : '.').padStart(4)).join('')}`);
  });
  return lines;
}

/** A plain-text report: headline figures, per-class table and confusion matrix (category, then priority). */
export function renderClassifyReport(r: ClassifyEvalResult, title = 'classification'): string {
  const lines = [
    `${title}: n=${r.n}  accuracy ${pct(r.accuracy)}  macro-F1 ${r.macro_f1.toFixed(3)}  ECE ${r.calibration.ece.toFixed(3)} (mean confidence ${pct(r.calibration.mean_confidence)})`,
    `latency per classify: p50 ${r.p50_ms.toFixed(3)} ms, p99 ${r.p99_ms.toFixed(3)} ms; build ${r.train_ms.toFixed(0)} ms`,
  ];
  if (r.priority) lines.push(`priority: accuracy ${pct(r.priority.accuracy)}  macro-F1 ${r.priority.macro_f1.toFixed(3)}`);
  if (r.sentiment) lines.push(`sentiment: accuracy ${pct(r.sentiment.accuracy)}  macro-F1 ${r.sentiment.macro_f1.toFixed(3)}`);
  if (r.language) lines.push(`language: accuracy ${pct(r.language.accuracy)}`);
  if (r.order_ids) lines.push(`order ids: exact match ${pct(r.order_ids.exact_match)}`);
  lines.push('', 'category', ...metricsTable(r));
  if (r.priority) lines.push('', 'priority', ...metricsTable(r.priority));
  return lines.join('\n');
}

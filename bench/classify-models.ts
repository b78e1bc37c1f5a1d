// `npx tsx bench/classify-models.ts`: why the local classifier is softmax regression over our n-gram
// features. Category macro-F1 of three models on the same splits as bench/classify.ts:
//   softmax  — LocalClassifier (hashed zh 1–3-grams + en words/bigrams/char 3–5-grams, SGD softmax)
//   cnb      — Complement Naive Bayes over the same hashed features (alpha 0.3)
//   char-lr  — the README's baseline shape: raw character 1–3-gram TF-IDF + logistic regression
//              (our SGD trainer, not scikit-learn, so only an approximation of its figures)
import { join, resolve } from 'node:path';
import { type AppConfig, BUNDLED_CONFIG, loadConfig } from '../core/config.js';
import type { Classifier } from '../core/ports.js';
import {
  type ClassifierFactory,
  type ClassifyExample,
  crossValidateClassifier,
  evaluateClassifier,
  readClassifyJsonl,
} from '../knowledge/eval/eval-classify.js';
import { DEFAULT_DIM, featureTokens, hashString, type SparseVector } from '../knowledge/triage/features.js';
import { DEFAULT_SOFTMAX_OPTIONS, SoftmaxModel } from '../knowledge/triage/linear-model.js';
import { LocalClassifier } from '../knowledge/triage/local-classifier.js';
import { configExamples } from '../knowledge/triage/train-models.js';

const DATA = resolve(process.env.TICKETBOT_DEV_DATA ?? '../shared/data', 'cls');
const config = loadConfig(BUNDLED_CONFIG);
const dev = readClassifyJsonl(join(DATA, 'mixed_authored_dev.jsonl'));
const hint3 = readClassifyJsonl(join(DATA, 'en_hint3_train.jsonl'));

type Labelled = { text: string; category: string };
const trainingSet = (train: readonly ClassifyExample[] | undefined, withConfig: boolean, cfg: AppConfig): Labelled[] => [
  ...(withConfig ? configExamples(cfg).flatMap((e) => (e.category ? [{ text: e.text, category: e.category }] : [])) : []),
  ...(train ?? []),
];
// Only the category matters here; the other Triage fields are constants.
const categoryOnly = (predict: (text: string) => string): Classifier => ({
  classify: async (text) => ({ category: predict(text), priority: 'P3', sentiment: 'neutral', language: 'zh', orderIds: [], title: '', confidence: 1 }),
});

function hashed(tokens: string[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const t of tokens) m.set(hashString(t) % DEFAULT_DIM, (m.get(hashString(t) % DEFAULT_DIM) ?? 0) + 1);
  return m;
}

/** Complement NB (Rennie et al. 2003) with log-tf, L2-normalised documents and weight normalisation. */
function cnb(withConfig: boolean, alpha = 0.3): ClassifierFactory {
  return (train, cfg) => {
    const data = trainingSet(train, withConfig, cfg);
    const labels = [...new Set(data.map((e) => e.category))];
    const vec = (text: string) => {
      const m = hashed(featureTokens(text));
      const norm = Math.hypot(...[...m.values()].map((v) => 1 + Math.log(v))) || 1;
      return new Map([...m].map(([k, v]) => [k, (1 + Math.log(v)) / norm]));
    };
    const perClass = labels.map(() => new Map<number, number>());
    const total = new Map<number, number>();
    for (const e of data) {
      const c = perClass[labels.indexOf(e.category)];
      for (const [k, v] of vec(e.text)) {
        c?.set(k, (c.get(k) ?? 0) + v);
        total.set(k, (total.get(k) ?? 0) + v);
      }
    }
    const sumAll = [...total.values()].reduce((a, b) => a + b, 0);
    const weights = perClass.map((c) => {
      const complement = sumAll - [...c.values()].reduce((a, b) => a + b, 0);
      const w = new Map<number, number>();
      for (const [k, t] of total) w.set(k, Math.log((t - (c.get(k) ?? 0) + alpha) / (complement + alpha * total.size)));
      const norm = [...w.values()].reduce((a, b) => a + Math.abs(b), 0);
      for (const [k, v] of w) w.set(k, v / norm);
      return w;
    });
    return categoryOnly((text) => {
      const x = vec(text);
      const scores = weights.map((w) => [...x].reduce((s, [k, v]) => s + v * (w.get(k) ?? 0), 0));
      return labels[scores.indexOf(Math.min(...scores))] ?? '';
    });
  };
}

/** Raw character 1–3-grams, smoothed TF-IDF, L2-normalised; multinomial LR without class weighting. */
function charLr(withConfig: boolean): ClassifierFactory {
  return (train, cfg) => {
    const data = trainingSet(train, withConfig, cfg);
    const labels = [...new Set(data.map((e) => e.category))];
    const grams = (text: string) => {
      const chars = [...text.toLowerCase()];
      const out: string[] = [];
      for (let n = 1; n <= 3; n++) for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
      return out;
    };
    const df = new Map<number, number>();
    for (const e of data) for (const k of hashed(grams(e.text)).keys()) df.set(k, (df.get(k) ?? 0) + 1);
    const vec = (text: string): SparseVector => {
      const m = [...hashed(grams(text))].sort((a, b) => a[0] - b[0]);
      const val = m.map(([k, tf]) => tf * (Math.log((1 + data.length) / (1 + (df.get(k) ?? 0))) + 1));
      const norm = Math.hypot(...val) || 1;
      return { idx: Int32Array.from(m.map(([k]) => k)), val: Float32Array.from(val.map((v) => v / norm)) };
    };
    const model = SoftmaxModel.train(
      labels,
      data.map((e) => ({ x: vec(e.text), y: labels.indexOf(e.category) })),
      { ...DEFAULT_SOFTMAX_OPTIONS, dim: DEFAULT_DIM, classWeight: 'none', epochs: 20 },
    );
    return categoryOnly((text) => model.predict(vec(text)).label);
  };
}

const softmax =
  (withConfig: boolean): ClassifierFactory =>
  (train, cfg) =>
    LocalClassifier.train(cfg, train ?? [], { configTexts: withConfig });

const rows: Record<string, Record<string, number>> = {};
for (const [name, make] of [
  ['softmax', softmax],
  ['cnb', cnb],
  ['char-lr', charLr],
] as const) {
  const f1 = async (p: Promise<{ macro_f1: number }>) => Number((await p).macro_f1.toFixed(3));
  rows[name] = {
    a_default_on_dev: await f1(evaluateClassifier({ test: dev, config, factory: make(true) })),
    c_cv_dev_alone: await f1(crossValidateClassifier({ examples: dev, config, factory: make(false) })),
    c_cv_dev_with_config: await f1(crossValidateClassifier({ examples: dev, config, factory: make(true) })),
    d_cv_hint3_alone: await f1(crossValidateClassifier({ examples: hint3, config, factory: make(false) })),
  };
}
console.table(rows);
console.log(JSON.stringify(rows));

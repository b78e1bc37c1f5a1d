// `npx tsx bench/classify.ts`: local triage classifier on the shared development data
// (TICKETBOT_DEV_DATA, default ../shared/data; never copied into the repo). Prints a report per
// scenario, then one JSON line with every figure.
//   (a) default model (config texts only) on the authored zh/en set
//   (b) + HINT3 and Bitext (English, other shops) as training data, same test set
//   (c) 5-fold CV on the authored set: trained on it alone (the README's bar) and with config texts
//   (d) 5-fold CV on HINT3 (our categories)
//   (e) classify latency, warm, with and without 1,000 remembered corrections
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLED_CONFIG, loadConfig } from '../core/config.js';
import { percentile } from '../knowledge/eval/classify-metrics.js';
import {
  type ClassifierFactory,
  type ClassifyEvalResult,
  type ClassifyExample,
  crossValidateClassifier,
  evaluateClassifier,
  readClassifyJsonl,
  renderClassifyReport,
} from '../knowledge/eval/eval-classify.js';
import { LocalClassifier, type LocalClassifierOptions } from '../knowledge/triage/local-classifier.js';

const DATA = resolve(process.env.TICKETBOT_DEV_DATA ?? '../shared/data', 'cls');
if (!existsSync(join(DATA, 'mixed_authored_dev.jsonl'))) {
  console.error(`No development data at ${DATA} (set TICKETBOT_DEV_DATA to the folder that holds cls/).`);
  process.exit(1);
}
const config = loadConfig(BUNDLED_CONFIG);
const dev = readClassifyJsonl(join(DATA, 'mixed_authored_dev.jsonl'));
const hint3 = readClassifyJsonl(join(DATA, 'en_hint3_train.jsonl'));
const bitext = readClassifyJsonl(join(DATA, 'en_bitext_train.jsonl'));

const factory =
  (options: LocalClassifierOptions = {}, weight = 1): ClassifierFactory =>
  (train, cfg) =>
    LocalClassifier.train(
      cfg,
      (train ?? []).map((e) => ({ ...e, weight })),
      options,
    );
const alone: LocalClassifierOptions = { configTexts: false };

const round = (x: number, d = 3) => Number(x.toFixed(d));
function headline(r: ClassifyEvalResult) {
  return {
    n: r.n,
    accuracy: round(r.accuracy),
    macro_f1: round(r.macro_f1),
    ece: round(r.calibration.ece),
    ...(r.priority
      ? { priority_accuracy: round(r.priority.accuracy), priority_macro_f1: round(r.priority.macro_f1), p1_recall: round(r.priority.per_class.P1?.recall ?? 0) }
      : {}),
    ...(r.sentiment ? { sentiment_accuracy: round(r.sentiment.accuracy) } : {}),
    ...(r.language ? { language_accuracy: round(r.language.accuracy) } : {}),
    ...(r.order_ids ? { order_ids_exact: round(r.order_ids.exact_match) } : {}),
    train_ms: Math.round(r.train_ms),
  };
}
const figures: Record<string, ReturnType<typeof headline> | Record<string, number>> = {};
function show(key: string, title: string, r: ClassifyEvalResult, full = false) {
  figures[key] = headline(r);
  console.log(full ? `\n${renderClassifyReport(r, title)}` : `${title}: ${JSON.stringify(figures[key])}`);
}

show('a_default', '(a) default model (config texts) → authored dev', await evaluateClassifier({ test: dev, config }), true);
console.log('');
const external = [...hint3, ...bitext];
show('b_external', '(b) config + HINT3 + Bitext → authored dev', await evaluateClassifier({ train: external, test: dev, config, factory: factory() }));
show(
  'b_external_w0.1',
  '(b) same, external examples weighted 0.1',
  await evaluateClassifier({ train: external, test: dev, config, factory: factory({}, 0.1) }),
);
show('c_cv_alone', '(c) 5-fold CV, authored set alone', await crossValidateClassifier({ examples: dev, config, factory: factory(alone) }));
show('c_cv_with_config', '(c) 5-fold CV, authored folds + config texts', await crossValidateClassifier({ examples: dev, config, factory: factory() }));
// Priority strategies on the same folds. The rule lexicons were written with this set in view, so
// 'rules' and the default 'auto' are optimistic here; 'learned' (the model alone, no rules) is the clean figure.
for (const mode of ['rules', 'learned'] as const) {
  show(`c_priority_${mode}`, `(c) priority mode '${mode}'`, await crossValidateClassifier({ examples: dev, config, factory: factory({ priorityMode: mode }) }));
}
show(
  'c_priority_learned_alone',
  "(c) priority mode 'learned', authored set alone",
  await crossValidateClassifier({ examples: dev, config, factory: factory({ ...alone, priorityMode: 'learned' }) }),
);
show('d_hint3_cv_alone', '(d) 5-fold CV, HINT3 alone', await crossValidateClassifier({ examples: hint3, config, factory: factory(alone) }));
show('d_hint3_cv_with_config', '(d) 5-fold CV, HINT3 folds + config texts', await crossValidateClassifier({ examples: hint3, config, factory: factory() }));

// (e) Latency, warm: every authored message classified ROUNDS times, one call at a time.
async function latency(classifier: LocalClassifier, rounds = 20): Promise<Record<string, number>> {
  const texts = dev.map((e) => e.text);
  for (const t of texts) await classifier.classify(t, { config });
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of texts) {
      const t0 = performance.now();
      await classifier.classify(t, { config });
      ms.push(performance.now() - t0);
    }
  }
  return { calls: ms.length, p50_ms: round(percentile(ms, 50), 4), p99_ms: round(percentile(ms, 99), 4), max_ms: round(Math.max(...ms), 3) };
}
const withMemory = LocalClassifier.train(config);
bitext.slice(0, 1000).forEach((e: ClassifyExample) => {
  withMemory.correct({ text: e.text, category: e.category });
});
figures.e_latency_default = await latency(LocalClassifier.train(config));
figures.e_latency_1000_corrections = await latency(withMemory);
console.log(`(e) latency, default model: ${JSON.stringify(figures.e_latency_default)}`);
console.log(`(e) latency, 1,000 corrections remembered: ${JSON.stringify(figures.e_latency_1000_corrections)}`);
const size = JSON.stringify(LocalClassifier.train(config).toJSON()).length;
figures.model = { default_json_bytes: size, bar_category_macro_f1: 0.64, bar_priority_macro_f1: 0.49, bar_hint3_macro_f1: 0.74 };
console.log(JSON.stringify(figures));

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BUNDLED_CONFIG, loadConfig } from '../../../../core/config.js';
import type { Classifier, Triage } from '../../../../core/ports.js';
import {
  type ClassifierFactory,
  type ClassifyExample,
  crossValidateClassifier,
  evaluateClassifier,
  parseClassifyJsonl,
  readClassifyJsonl,
  renderClassifyReport,
  runClassifyEval,
} from '../../../../knowledge/eval/eval-classify.js';
import { LocalClassifier } from '../../../../knowledge/triage/local-classifier.js';

const config = loadConfig(BUNDLED_CONFIG);
const dir = mkdtempSync(join(tmpdir(), 'eval-classify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Answers from a fixed table (text → category/priority) with confidence 1: predictable metrics. */
function tableClassifier(table: Record<string, Partial<Triage>>): Classifier {
  return {
    classify: async (text) => ({
      category: 'other',
      priority: 'P4',
      sentiment: 'neutral',
      language: 'zh',
      orderIds: [],
      title: text,
      confidence: 1,
      ...table[text],
    }),
  };
}

const TEST: ClassifyExample[] = [
  { text: 'a1', category: 'refund', priority: 'P3', sentiment: 'neutral', language: 'zh' },
  { text: 'a2', category: 'refund', priority: 'P1' },
  { text: 'b1', category: 'invoice', priority: 'P3' },
  { text: 'b2', category: 'invoice', priority: 'P4', language: 'en' },
];
const TABLE: Record<string, Partial<Triage>> = {
  a1: { category: 'refund', priority: 'P3' },
  a2: { category: 'invoice', priority: 'P1' },
  b1: { category: 'invoice', priority: 'P3' },
  b2: { category: 'invoice', priority: 'P3' },
};

describe('JSONL reader', () => {
  test('valid lines parse (extra fields kept), blank lines skipped, bad lines reported with their numbers', () => {
    const text = [
      '{"text":"退款呢","category":"refund","priority":"P2","id":"x-1"}',
      '',
      '{"text":"","category":"refund"}',
      'not json',
      '{"text":"hi","category":"other","priority":"P9"}',
      '{"text":"ok","category":"other"}',
    ].join('\n');
    const { examples, errors } = parseClassifyJsonl(text);
    expect(examples).toEqual([
      { text: '退款呢', category: 'refund', priority: 'P2', id: 'x-1' },
      { text: 'ok', category: 'other' },
    ]);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(errors[0]?.message).toMatch(/^text:/);
    expect(errors[1]?.message).toMatch(/invalid JSON/);
    expect(errors[2]?.message).toMatch(/^priority:/);
  });

  test('readClassifyJsonl throws INVALID_INPUT naming file and line of every problem', () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"text":"a","category":"refund"}\n{"text":"b"}\n{oops}\n');
    expect(() => readClassifyJsonl(path)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(`${path}:2: category`) }));
    expect(() => readClassifyJsonl(path)).toThrow(expect.objectContaining({ message: expect.stringContaining(`${path}:3: invalid JSON`) }));
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, '{"text":"a","category":"refund"}\r\n');
    expect(readClassifyJsonl(good)).toEqual([{ text: 'a', category: 'refund' }]);
  });
});

describe('evaluateClassifier', () => {
  test('category, priority, sentiment and language metrics from the classifier answers', async () => {
    let trainSeen: readonly ClassifyExample[] | undefined = [];
    const factory: ClassifierFactory = (train) => {
      trainSeen = train;
      return tableClassifier(TABLE);
    };
    const r = await evaluateClassifier({ test: TEST, config, factory });
    expect(trainSeen).toBeUndefined();
    expect(r.n).toBe(4);
    expect(r.accuracy).toBe(0.75);
    // refund: P 1, R 0.5, F1 2/3; invoice: P 2/3, R 1, F1 0.8
    expect(r.macro_f1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
    expect(r.confusion.labels.slice(0, 3)).toEqual(config.categories.slice(0, 3).map((c) => c.id));
    expect(r.priority?.accuracy).toBe(0.75);
    expect(r.sentiment?.n).toBe(1);
    expect(r.language).toEqual({ accuracy: 0.5 });
    expect(r.calibration.mean_confidence).toBe(1);
    expect(r.calibration.ece).toBeCloseTo(0.25, 10);
    expect(r.p50_ms).toBeGreaterThanOrEqual(0);
    expect(r.p99_ms).toBeGreaterThanOrEqual(r.p50_ms);
  });

  test('without labelled priorities there is no priority block; the default factory is the local classifier', async () => {
    const r = await evaluateClassifier({ test: [{ text: '能开发票吗？要公司抬头的', category: 'invoice' }], config });
    expect(r.priority).toBeUndefined();
    expect(r.accuracy).toBe(1);
  });

  test('crossValidateClassifier trains each fold without its own examples', async () => {
    const examples: ClassifyExample[] = ['a', 'b', 'c', 'd', 'e', 'f'].map((text, i) => ({ text, category: i % 2 ? 'refund' : 'invoice' }));
    const folds: string[][] = [];
    const factory: ClassifierFactory = (train) => {
      folds.push((train ?? []).map((e) => e.text));
      return tableClassifier({});
    };
    const r = await crossValidateClassifier({ examples, k: 3, config, factory });
    expect(folds).toHaveLength(3);
    for (const f of folds) expect(f).toHaveLength(4);
    expect(new Set(folds.flat()).size).toBe(6);
    expect(r.n).toBe(6);
  });

  test('renderClassifyReport shows headline, per-class table and both confusion matrices', async () => {
    const r = await evaluateClassifier({ test: TEST, config, factory: () => tableClassifier(TABLE) });
    const text = renderClassifyReport(r, 'unit');
    expect(text).toMatch(/^unit: n=4 {2}accuracy 75\.0% {2}macro-F1 0\.733/);
    expect(text).toContain('priority: accuracy 75.0%');
    expect(text).toMatch(/refund\s+1\.000\s+0\.500\s+0\.667\s+2/);
    expect(text.match(/confusion \(rows = gold/g)).toHaveLength(2);
  });
});

describe('runClassifyEval (the CLI entry)', () => {
  const test1 = join(dir, 'test.jsonl');
  writeFileSync(
    test1,
    [
      { text: '能开发票吗？要公司抬头的 订单1234567890123456789', category: 'invoice', order_ids: ['1234567890123456789'] },
      { text: '退款申请了五天了还没到账', category: 'refund', order_ids: [] },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );

  test('default model, a train file, or a saved model', async () => {
    const plain = await runClassifyEval({ test: test1, config });
    expect(plain.result).toMatchObject({ n: 2, accuracy: 1, order_ids: { exact_match: 1 } });
    expect(plain.report).toContain('default model');
    expect(plain.report).toContain('order ids: exact match 100.0%');

    const train = join(dir, 'train.jsonl');
    writeFileSync(train, `${JSON.stringify({ text: '开个专票', category: 'invoice', priority: 'P3' })}\n`);
    expect((await runClassifyEval({ test: test1, train, config })).report).toContain(`trained on config + ${train}`);

    const model = join(dir, 'model.json');
    const saved = LocalClassifier.train(config);
    saved.correct({ text: '退款申请了五天了还没到账', category: 'invoice' });
    writeFileSync(model, JSON.stringify(saved.toJSON()));
    const fromModel = await runClassifyEval({ test: test1, model, config });
    expect(fromModel.result.accuracy).toBe(0.5);
  });
});

import { describe, expect, test } from 'vitest';
import { calibrationError, classificationMetrics, percentile } from '../../../../knowledge/eval/classify-metrics.js';

describe('classificationMetrics (hand-computed)', () => {
  // gold a a a b b c / predicted a a b b c c
  // a: tp 2, predicted 2, support 3 → P 1, R 2/3, F1 0.8
  // b: tp 1, predicted 2, support 2 → P 1/2, R 1/2, F1 0.5
  // c: tp 1, predicted 2, support 1 → P 1/2, R 1, F1 2/3
  const m = classificationMetrics(['a', 'a', 'a', 'b', 'b', 'c'], ['a', 'a', 'b', 'b', 'c', 'c']);

  test('accuracy, per-class and macro-F1', () => {
    expect(m.n).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 10);
    expect(m.per_class.a).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    expect(m.per_class.b).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.per_class.c?.precision).toBe(0.5);
    expect(m.per_class.c?.recall).toBe(1);
    expect(m.per_class.c?.f1).toBeCloseTo(2 / 3, 10);
    expect(m.macro_f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 10);
  });

  test('confusion: rows gold, columns predicted', () => {
    expect(m.confusion).toEqual({
      labels: ['a', 'b', 'c'],
      matrix: [
        [2, 1, 0],
        [0, 1, 1],
        [0, 0, 1],
      ],
    });
  });

  test('label order comes from `labels`; a label never in gold is listed but left out of macro-F1', () => {
    const r = classificationMetrics(['x', 'y'], ['x', 'z'], ['z', 'y', 'x', 'unused']);
    expect(r.confusion.labels).toEqual(['z', 'y', 'x', 'unused']);
    expect(r.per_class.z).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    // x: F1 1, y: F1 0 → macro over gold labels x, y = 0.5
    expect(r.macro_f1).toBe(0.5);
  });

  test('empty input and mismatched lengths', () => {
    expect(classificationMetrics([], [])).toMatchObject({ n: 0, accuracy: 0, macro_f1: 0 });
    expect(() => classificationMetrics(['a'], [])).toThrow(/1 gold labels but 0 predictions/);
  });
});

describe('percentile and calibrationError', () => {
  test('nearest-rank percentile', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  test('ECE: confident and right is 0; 0.9 confident and half right is 0.4', () => {
    expect(calibrationError([1, 1], [true, true]).ece).toBe(0);
    const r = calibrationError([0.9, 0.9], [true, false]);
    expect(r.ece).toBeCloseTo(0.4, 10);
    expect(r.mean_confidence).toBeCloseTo(0.9, 10);
  });
});

import { describe, expect, test } from 'vitest';
import { featurize } from '../../../../knowledge/triage/features.js';
import { DEFAULT_SOFTMAX_OPTIONS, SoftmaxModel, seededRandom } from '../../../../knowledge/triage/linear-model.js';

const DIM = 1 << 12;
const LABELS = ['fruit', 'vehicle', 'weather'];
const TRAIN: [string, number][] = [
  ['apple banana', 0],
  ['banana cherry', 0],
  ['cherry apple pear', 0],
  ['car bus', 1],
  ['bus train', 1],
  ['train car bike', 1],
  ['rain snow', 2],
  ['snow wind', 2],
  ['wind rain sun', 2],
];
const points = TRAIN.map(([text, y]) => ({ x: featurize(text, DIM), y }));
const train = () => SoftmaxModel.train(LABELS, points, { ...DEFAULT_SOFTMAX_OPTIONS, dim: DIM });

describe('SoftmaxModel', () => {
  test('learns a separable toy set and generalises to new combinations', () => {
    const model = train();
    for (const [text, y] of TRAIN) expect(model.predict(featurize(text, DIM)).label).toBe(LABELS[y]);
    expect(model.predict(featurize('pear banana', DIM)).label).toBe('fruit');
    expect(model.predict(featurize('bike bus', DIM)).label).toBe('vehicle');
    expect(model.predict(featurize('sun snow', DIM)).label).toBe('weather');
  });

  test('probabilities sum to 1; temperature below 1 sharpens them', () => {
    const model = train();
    const x = featurize('apple', DIM);
    const p = model.predictProba(x);
    expect([...p].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const before = model.predict(x).probability;
    model.temperature = 0.5;
    expect(model.predict(x).probability).toBeGreaterThan(before);
  });

  test('deterministic: same data and seed give identical weights', () => {
    expect(train().toJSON()).toEqual(train().toJSON());
  });

  test('JSON round trip gives identical predictions', () => {
    const model = train();
    model.temperature = 0.7;
    const copy = SoftmaxModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    for (const text of ['apple', 'bus rain', 'unknown words here', '']) {
      expect([...copy.predictProba(featurize(text, DIM))]).toEqual([...model.predictProba(featurize(text, DIM))]);
    }
  });

  test('learn() flips the prediction for the corrected example, and moves similar ones', () => {
    const model = train();
    const x = featurize('apple banana', DIM);
    expect(model.predict(x).label).toBe('fruit');
    const steps = model.learn(x, 2);
    expect(steps).toBeGreaterThan(0);
    expect(model.predict(x).label).toBe('weather');
    expect(model.predict(x).probability).toBeGreaterThanOrEqual(0.6);
    expect(model.predict(featurize('apple banana apple', DIM)).label).toBe('weather');
    expect(model.learn(x, 2)).toBe(0);
  });

  test('seededRandom is reproducible and in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

// Multinomial logistic (softmax) regression over hashed sparse features, trained with plain SGD
// (inverse-scaling step) and L2. Chosen by measurement (bench/classify-models.ts, category macro-F1):
// Complement Naive Bayes is level on config texts alone (0.625 vs 0.612) but falls behind once labelled
// tickets are added (authored-set CV 0.50 vs 0.58 alone, 0.65 vs 0.70 with config texts); an AdaGrad
// variant tried during development lost too (0.51 vs 0.54 on the same folds). SGD also keeps example weights meaningful
// (AdaGrad normalises them away), gives probabilities that one temperature calibrates, and allows a
// natural incremental update for agent corrections.

import { seededRandom } from '../embeddings/hashing.js';
import type { SparseVector } from './features.js';

/** One training example: a feature vector, a class index and an optional weight (default 1). */
export interface TrainingPoint {
  x: SparseVector;
  y: number;
  weight?: number;
}

/** Training settings; `DEFAULT_SOFTMAX_OPTIONS` holds the measured defaults. */
export interface SoftmaxOptions {
  dim: number;
  epochs: number;
  /** Initial SGD step; step t is learningRate / (1 + learningRate · l2 · t). */
  learningRate: number;
  /** L2 penalty on the weights an example touches (lazy, sparse-friendly). */
  l2: number;
  /** Bias step relative to the weight step: the bias is the class prior, which a few skewed examples should not own. */
  biasRate: number;
  /** Caps epochs × examples: large sets converge in fewer passes, and training must stay well under a second. */
  maxUpdates: number;
  /** Shuffling seed: the same data and seed give bit-identical weights. */
  seed: number;
  /** 'balanced' weights each class by n / (k · n_class) so that rare categories are not drowned out. */
  classWeight: 'balanced' | 'none';
}

/** Defaults chosen on the authored set and HINT3 (CV); macro-F1 moved by at most about ±0.02 around them. */
export const DEFAULT_SOFTMAX_OPTIONS: Omit<SoftmaxOptions, 'dim'> = {
  epochs: 12,
  maxUpdates: 25_000,
  learningRate: 1,
  l2: 1e-4,
  biasRate: 0.1,
  seed: 42,
  classWeight: 'balanced',
};

/** The JSON form of a trained model: only rows of features that were seen are stored (base64 float32). */
export interface SoftmaxModelJson {
  version: 1;
  labels: string[];
  dim: number;
  temperature: number;
  bias: number[];
  rows: string;
  weights: string;
}

export { seededRandom };

function softmaxInPlace(z: Float64Array, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(((z[k] ?? 0) - max) / temperature);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] ?? 0) / sum;
  return z;
}

/** A softmax regression classifier over `labels`. Weights are dense (dim × k float32) for fast sparse dot products. */
export class SoftmaxModel {
  readonly labels: readonly string[];
  readonly dim: number;
  /** Divides the logits before the softmax; > 1 softens over-confident probabilities (set by calibration). */
  temperature = 1;
  private readonly w: Float32Array;
  private readonly b: Float64Array;

  constructor(labels: readonly string[], dim: number, weights?: Float32Array, bias?: Float64Array) {
    if (labels.length < 1) throw new Error('SoftmaxModel needs at least one label');
    this.labels = [...labels];
    this.dim = dim;
    this.w = weights ?? new Float32Array(dim * labels.length);
    this.b = bias ?? new Float64Array(labels.length);
  }

  /** Trains a fresh model. Deterministic for a given order of `points` and `options.seed`. */
  static train(labels: readonly string[], points: readonly TrainingPoint[], options: SoftmaxOptions): SoftmaxModel {
    const model = new SoftmaxModel(labels, options.dim);
    const counts = new Array<number>(labels.length).fill(0);
    for (const p of points) counts[p.y] = (counts[p.y] ?? 0) + 1;
    const present = counts.filter((c) => c > 0).length;
    const classWeight = counts.map((c) => (options.classWeight === 'balanced' && c > 0 ? points.length / (present * c) : 1));
    const order = points.map((_, i) => i);
    const random = seededRandom(options.seed);
    let t = 0;
    const epochs = Math.min(options.epochs, Math.max(3, Math.ceil(options.maxUpdates / Math.max(1, points.length))));
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
      }
      for (const i of order) {
        const p = points[i];
        if (!p) continue;
        const eta = options.learningRate / (1 + options.learningRate * options.l2 * t++);
        model.step(p.x, p.y, (p.weight ?? 1) * (classWeight[p.y] ?? 1), eta, options);
      }
    }
    return model;
  }

  // One SGD step on the weighted cross-entropy of one example. L2 shrinks only the rows the example
  // touches (lazy regularisation): exact shrinking of all 2^18 × k weights per step would cost far more
  // than the step itself. A class whose gradient is below 1e-4 is skipped: later epochs get several times
  // faster and the weights barely move.
  private step(x: SparseVector, y: number, weight: number, eta: number, o: Pick<SoftmaxOptions, 'l2' | 'biasRate'>): void {
    const k = this.labels.length;
    const g = softmaxInPlace(this.logits(x));
    const active: number[] = [];
    for (let c = 0; c < k; c++) {
      const gc = weight * ((g[c] ?? 0) - (c === y ? 1 : 0));
      g[c] = gc;
      if (Math.abs(gc) < 1e-4) continue;
      active.push(c);
      this.b[c] = (this.b[c] ?? 0) - eta * o.biasRate * gc;
    }
    if (!active.length) return;
    const shrink = 1 - eta * o.l2;
    // Feature-major loop: one example's weights for all classes sit next to each other in memory.
    for (let j = 0; j < x.idx.length; j++) {
      const base = (x.idx[j] ?? 0) * k;
      const v = eta * (x.val[j] ?? 0);
      for (const c of active) this.w[base + c] = (this.w[base + c] ?? 0) * shrink - v * (g[c] ?? 0);
    }
  }

  /** Raw class scores (before softmax). */
  logits(x: SparseVector): Float64Array {
    const k = this.labels.length;
    const z = Float64Array.from(this.b);
    for (let j = 0; j < x.idx.length; j++) {
      const base = (x.idx[j] ?? 0) * k;
      const v = x.val[j] ?? 0;
      for (let c = 0; c < k; c++) z[c] = (z[c] ?? 0) + v * (this.w[base + c] ?? 0);
    }
    return z;
  }

  /** Class probabilities, tempered by the calibration temperature. */
  predictProba(x: SparseVector): Float64Array {
    return softmaxInPlace(this.logits(x), this.temperature);
  }

  /** The most likely label and its (calibrated) probability. */
  predict(x: SparseVector): { label: string; index: number; probability: number; proba: Float64Array } {
    const proba = this.predictProba(x);
    let index = 0;
    for (let c = 1; c < proba.length; c++) if ((proba[c] ?? 0) > (proba[index] ?? 0)) index = c;
    return { label: this.labels[index] ?? '', index, probability: proba[index] ?? 0, proba };
  }

  /**
   * Incremental update for one corrected example: plain gradient steps on it until it is predicted as
   * `y` with at least `minProbability` (uncalibrated), or `maxSteps` is reached. Features it shares
   * with similar texts move too, so near-duplicates follow the correction.
   */
  learn(x: SparseVector, y: number, opts: { minProbability?: number; maxSteps?: number; learningRate?: number } = {}): number {
    const target = opts.minProbability ?? 0.6;
    const lr = opts.learningRate ?? 0.5;
    const k = this.labels.length;
    let steps = 0;
    for (; steps < (opts.maxSteps ?? 50); steps++) {
      const p = softmaxInPlace(this.logits(x));
      let best = 0;
      for (let c = 1; c < k; c++) if ((p[c] ?? 0) > (p[best] ?? 0)) best = c;
      if (best === y && (p[y] ?? 0) >= target) break;
      for (let c = 0; c < k; c++) {
        const g = (p[c] ?? 0) - (c === y ? 1 : 0);
        for (let j = 0; j < x.idx.length; j++) {
          const at = (x.idx[j] ?? 0) * k + c;
          this.w[at] = (this.w[at] ?? 0) - lr * g * (x.val[j] ?? 0);
        }
      }
    }
    return steps;
  }

  /** A deep copy (retraining and cross-validation must not share weights). */
  clone(): SoftmaxModel {
    const copy = new SoftmaxModel(this.labels, this.dim, Float32Array.from(this.w), Float64Array.from(this.b));
    copy.temperature = this.temperature;
    return copy;
  }

  toJSON(): SoftmaxModelJson {
    const k = this.labels.length;
    const rows: number[] = [];
    for (let f = 0; f < this.dim; f++) {
      for (let c = 0; c < k; c++) {
        if (this.w[f * k + c] !== 0) {
          rows.push(f);
          break;
        }
      }
    }
    const weights = new Float32Array(rows.length * k);
    rows.forEach((f, r) => {
      weights.set(this.w.subarray(f * k, f * k + k), r * k);
    });
    return {
      version: 1,
      labels: [...this.labels],
      dim: this.dim,
      temperature: this.temperature,
      bias: [...this.b],
      rows: Buffer.from(Int32Array.from(rows).buffer).toString('base64'),
      weights: Buffer.from(weights.buffer).toString('base64'),
    };
  }

  static fromJSON(json: SoftmaxModelJson): SoftmaxModel {
    const k = json.labels.length;
    const rowBytes = Buffer.from(json.rows, 'base64');
    const weightBytes = Buffer.from(json.weights, 'base64');
    const rows = new Int32Array(rowBytes.buffer.slice(rowBytes.byteOffset, rowBytes.byteOffset + rowBytes.byteLength));
    const stored = new Float32Array(weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength));
    if (stored.length !== rows.length * k || json.bias.length !== k) throw new Error('SoftmaxModel JSON: weights do not match labels');
    const w = new Float32Array(json.dim * k);
    rows.forEach((f, r) => {
      w.set(stored.subarray(r * k, r * k + k), f * k);
    });
    const model = new SoftmaxModel(json.labels, json.dim, w, Float64Array.from(json.bias));
    model.temperature = json.temperature;
    return model;
  }
}

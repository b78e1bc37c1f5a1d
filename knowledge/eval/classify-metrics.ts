// Classification metrics: accuracy, per-class precision/recall/F1, macro-F1, confusion matrix,
// latency percentiles and calibration error. Pure functions over label lists.

/** Precision, recall and F1 of one class. */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold examples of this class. */
  support: number;
}

/** Metrics of one labelling task (category, priority or sentiment). */
export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  /** Mean F1 over the classes present in the gold labels (a class never in the test set cannot be recalled). */
  macro_f1: number;
  per_class: Record<string, ClassMetrics>;
  /** matrix[i][j] = examples of gold labels[i] predicted as labels[j]. */
  confusion: { labels: string[]; matrix: number[][] };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * Metrics of predictions against gold labels. `labels` fixes the order (e.g. the configured
 * categories); labels seen in gold or predictions but missing from it are appended in order of appearance.
 */
export function classificationMetrics(gold: readonly string[], predicted: readonly string[], labels: readonly string[] = []): ClassificationMetrics {
  if (gold.length !== predicted.length) throw new Error(`classificationMetrics: ${gold.length} gold labels but ${predicted.length} predictions`);
  const order = [...new Set([...labels, ...gold, ...predicted])];
  const at = new Map(order.map((l, i) => [l, i]));
  const matrix = order.map(() => new Array<number>(order.length).fill(0));
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] ?? '';
    const row = matrix[at.get(g) ?? 0];
    if (row) row[at.get(p) ?? 0] = (row[at.get(p) ?? 0] ?? 0) + 1;
    if (g === p) correct++;
  });
  const per_class: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  let present = 0;
  order.forEach((label, i) => {
    const tp = matrix[i]?.[i] ?? 0;
    const support = (matrix[i] ?? []).reduce((a, b) => a + b, 0);
    const predictedCount = matrix.reduce((a, row) => a + (row[i] ?? 0), 0);
    const precision = ratio(tp, predictedCount);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    per_class[label] = { precision, recall, f1, support };
    if (support > 0) {
      f1Sum += f1;
      present++;
    }
  });
  return { n: gold.length, accuracy: ratio(correct, gold.length), macro_f1: ratio(f1Sum, present), per_class, confusion: { labels: order, matrix } };
}

/** Nearest-rank percentile of samples (e.g. latencies in ms); NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Expected calibration error over 10 equal-width confidence bins: the gap between stated confidence
 * and observed accuracy, weighted by bin size. 0 is perfectly calibrated.
 */
export function calibrationError(confidences: readonly number[], correct: readonly boolean[]): { ece: number; mean_confidence: number } {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, confidence: 0, correct: 0 }));
  confidences.forEach((c, i) => {
    const bin = bins[Math.min(9, Math.max(0, Math.floor(c * 10)))];
    if (!bin) return;
    bin.n++;
    bin.confidence += c;
    bin.correct += correct[i] ? 1 : 0;
  });
  const n = confidences.length;
  return {
    ece: ratio(
      bins.reduce((a, b) => a + Math.abs(b.confidence - b.correct), 0),
      n,
    ),
    mean_confidence: ratio(
      confidences.reduce((a, b) => a + b, 0),
      n,
    ),
  };
}

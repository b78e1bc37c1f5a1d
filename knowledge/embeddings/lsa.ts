// Truncated SVD of a sparse document-term matrix (latent semantic analysis), computed in TS with
// the randomized range finder of Halko, Martinsson & Tropp (2011): random projection, a few power
// iterations, then an exact SVD of the small projected matrix. Knowledge bases have at most tens of
// thousands of chunks, so dense n×(k+p) and (k+p)×m blocks fit easily in memory.

import { gaussian, seededRandom } from './hashing.js';
import { runNow, type Steps, stepEndsAt } from './steps.js';

/** One sparse row: column indices and their values. */
export interface SparseRow {
  cols: Int32Array;
  vals: Float32Array;
}

/** Right singular vectors, row-major `nCols × rank` (row c = the latent vector of column c). */
export interface Lsa {
  rank: number;
  nCols: number;
  components: Float32Array;
}

/** Dense matrix, row-major. */
type Mat = { rows: number; cols: number; data: Float64Array };

const mat = (rows: number, cols: number): Mat => ({ rows, cols, data: new Float64Array(rows * cols) });

/** Y = A·X where A is sparse n×m and X is dense m×l. */
function* sparseTimes(a: SparseRow[], x: Mat): Steps<Mat> {
  const y = mat(a.length, x.cols);
  const l = x.cols;
  for (let i = 0; i < a.length; i++) {
    const row = a[i] as SparseRow;
    for (let j = 0; j < row.cols.length; j++) {
      const c = row.cols[j] ?? 0;
      const v = row.vals[j] ?? 0;
      for (let t = 0; t < l; t++) y.data[i * l + t] = (y.data[i * l + t] ?? 0) + v * (x.data[c * l + t] ?? 0);
    }
    if (stepEndsAt(i)) yield;
  }
  return y;
}

/** Z = Aᵀ·Y where A is sparse n×m and Y is dense n×l; result m×l. */
function* sparseTransposeTimes(a: SparseRow[], nCols: number, y: Mat): Steps<Mat> {
  const z = mat(nCols, y.cols);
  const l = y.cols;
  for (let i = 0; i < a.length; i++) {
    const row = a[i] as SparseRow;
    for (let j = 0; j < row.cols.length; j++) {
      const c = row.cols[j] ?? 0;
      const v = row.vals[j] ?? 0;
      for (let t = 0; t < l; t++) z.data[c * l + t] = (z.data[c * l + t] ?? 0) + v * (y.data[i * l + t] ?? 0);
    }
    if (stepEndsAt(i)) yield;
  }
  return z;
}

/**
 * Orthonormalises the columns in place (modified Gram–Schmidt); drops nothing, zero columns stay zero.
 * Yields after each projection: at 100k rows one column's projections together take ~0.3 s.
 */
function* orthonormaliseColumns(m: Mat): Steps<void> {
  const { rows, cols, data } = m;
  for (let j = 0; j < cols; j++) {
    for (let p = 0; p < j; p++) {
      yield;
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += (data[r * cols + j] ?? 0) * (data[r * cols + p] ?? 0);
      for (let r = 0; r < rows; r++) data[r * cols + j] = (data[r * cols + j] ?? 0) - dot * (data[r * cols + p] ?? 0);
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += (data[r * cols + j] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < rows; r++) data[r * cols + j] = norm > 1e-10 ? (data[r * cols + j] ?? 0) / norm : 0;
  }
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations; eigenvalues descending. */
export function symmetricEigen(s: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(s);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const at = (i: number, j: number) => a[i * n + j] ?? 0;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += at(i, j) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q);
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * n + p] = c * akp - sn * akq;
          a[k * n + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - sn * aqk;
          a[q * n + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - sn * vkq;
          v[k * n + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => at(y, y) - at(x, x));
  const values = new Float64Array(order.map((i) => at(i, i)));
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src] ?? 0;
  });
  return { values, vectors };
}

type SvdOptions = { oversample?: number; powerIterations?: number; seed?: number };

/**
 * Top-`rank` right singular vectors of the sparse matrix `rows` (n × nCols).
 * Deterministic for a given seed. The rank is capped by the matrix size.
 */
export function truncatedSvd(rows: SparseRow[], nCols: number, rank: number, opts: SvdOptions = {}): Lsa {
  return runNow(truncatedSvdSteps(rows, nCols, rank, opts));
}

/** {@link truncatedSvd} as steps (see steps.ts). */
export function* truncatedSvdSteps(rows: SparseRow[], nCols: number, rank: number, opts: SvdOptions = {}): Steps<Lsa> {
  const k = Math.max(0, Math.min(rank, rows.length, nCols));
  if (k === 0) return { rank: 0, nCols, components: new Float32Array(0) };
  const l = Math.min(k + (opts.oversample ?? 10), rows.length, nCols);
  const normal = gaussian(seededRandom(opts.seed ?? 1234));
  const omega = mat(nCols, l);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = normal();
  // Range of A: Y = A·Ω, sharpened by power iterations (A·Aᵀ)^q so the spectrum decays faster.
  let y = yield* sparseTimes(rows, omega);
  yield* orthonormaliseColumns(y);
  for (let it = 0; it < (opts.powerIterations ?? 4); it++) {
    const z = yield* sparseTransposeTimes(rows, nCols, y);
    yield* orthonormaliseColumns(z);
    y = yield* sparseTimes(rows, z);
    yield* orthonormaliseColumns(y);
  }
  // B = Qᵀ·A (l × m), stored transposed as Bᵀ = Aᵀ·Q (m × l).
  const bt = yield* sparseTransposeTimes(rows, nCols, y);
  // B·Bᵀ = U Σ² Uᵀ; then V = Bᵀ·U·Σ⁻¹.
  const gram = new Float64Array(l * l);
  for (let r = 0; r < nCols; r++) {
    if (stepEndsAt(r)) yield;
    for (let i = 0; i < l; i++) {
      const bi = bt.data[r * l + i] ?? 0;
      if (bi === 0) continue;
      for (let j = 0; j < l; j++) gram[i * l + j] = (gram[i * l + j] ?? 0) + bi * (bt.data[r * l + j] ?? 0);
    }
  }
  const { values, vectors } = symmetricEigen(gram, l);
  const components = new Float32Array(nCols * k);
  for (let t = 0; t < k; t++) {
    const sigma = Math.sqrt(Math.max(values[t] ?? 0, 0));
    if (sigma < 1e-9) continue;
    yield;
    for (let r = 0; r < nCols; r++) {
      let s = 0;
      for (let i = 0; i < l; i++) s += (bt.data[r * l + i] ?? 0) * (vectors[i * l + t] ?? 0);
      components[r * k + t] = s / sigma;
    }
  }
  return { rank: k, nCols, components };
}

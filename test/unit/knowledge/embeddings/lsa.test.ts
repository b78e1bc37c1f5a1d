import { describe, expect, it } from 'vitest';
import { symmetricEigen, truncatedSvd } from '../../../../knowledge/embeddings/lsa.js';

describe('truncatedSvd', () => {
  it('finds the dominant right singular vector of a rank-1 matrix', () => {
    // rows are multiples of (1, 2, 0, 2) / 3
    const rows = [1, 2, 3].map((s) => ({ cols: Int32Array.from([0, 1, 3]), vals: Float32Array.from([s, 2 * s, 2 * s]) }));
    const { components, rank } = truncatedSvd(rows, 4, 1);
    expect(rank).toBe(1);
    const v = Array.from(components).map(Math.abs);
    expect(v[0]).toBeCloseTo(1 / 3, 4);
    expect(v[1]).toBeCloseTo(2 / 3, 4);
    expect(v[2]).toBeCloseTo(0, 4);
    expect(v[3]).toBeCloseTo(2 / 3, 4);
  });

  it('caps the rank by the matrix size', () => {
    const rows = [{ cols: Int32Array.from([0]), vals: Float32Array.from([1]) }];
    expect(truncatedSvd(rows, 3, 5).rank).toBe(1);
  });

  it('diagonalises a symmetric matrix', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 8);
    expect(values[1]).toBeCloseTo(1, 8);
  });
});

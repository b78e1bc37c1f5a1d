import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../knowledge/embeddings/hashing.js';
import { VectorIndex } from '../../../../knowledge/retrieval/vector-index.js';

const DIM = 16;
function unit(seed: number): Float32Array {
  const r = seededRandom(seed);
  const v = Float32Array.from({ length: DIM }, () => r() - 0.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('VectorIndex', () => {
  it('finds a stored vector first with cosine ≈ 1', () => {
    const index = VectorIndex.create(DIM);
    for (let i = 0; i < 50; i++) index.add(`v${i}`, unit(i));
    const [hit] = index.search(unit(7), 3);
    expect(hit?.id).toBe('v7');
    expect(hit?.score).toBeCloseTo(1, 5);
  });

  it('grows beyond its initial capacity', () => {
    const index = VectorIndex.create(DIM, { initialCapacity: 4 });
    for (let i = 0; i < 100; i++) index.add(`v${i}`, unit(i));
    expect(index.size).toBe(100);
    expect(index.capacity).toBeGreaterThanOrEqual(100);
    expect(index.search(unit(99), 1)[0]?.id).toBe('v99');
  });

  it('marks deleted vectors, never returns them, and reuses their slots', () => {
    const index = VectorIndex.create(DIM, { initialCapacity: 8 });
    for (let i = 0; i < 8; i++) index.add(`v${i}`, unit(i));
    expect(index.remove('v3')).toBe(true);
    expect(index.remove('v3')).toBe(false);
    expect(index.search(unit(3), 7).map((h) => h.id)).not.toContain('v3');
    index.add('w', unit(1000));
    expect(index.capacity).toBe(8);
    expect(index.search(unit(1000), 1)[0]?.id).toBe('w');
    // replacing a vector under the same id
    index.add('v0', unit(2000));
    expect(index.search(unit(2000), 1)[0]?.id).toBe('v0');
    expect(index.size).toBe(8);
    expect(index.search(unit(5), 20)).toHaveLength(8);
  });

  it('persists graph and labels: save → load → same results, deletions kept', () => {
    const index = VectorIndex.create(DIM);
    for (let i = 0; i < 40; i++) index.add(`v${i}`, unit(i));
    index.remove('v10');
    const dir = mkdtempSync(join(tmpdir(), 'kb-index-'));
    dirs.push(dir);
    index.save(dir);
    expect(VectorIndex.exists(dir)).toBe(true);
    const loaded = VectorIndex.load(dir);
    expect(loaded.size).toBe(39);
    for (const q of [1, 10, 20, 33]) expect(loaded.search(unit(q), 5)).toEqual(index.search(unit(q), 5));
    loaded.add('new', unit(500));
    expect(loaded.search(unit(500), 1)[0]?.id).toBe('new');
    expect(loaded.has('v10')).toBe(false);
  });

  it('rejects vectors of the wrong dimension', () => {
    expect(() => VectorIndex.create(DIM).add('x', new Float32Array(3))).toThrow(/dimension/);
  });

  it('scores a chosen vector against a query from its 8-bit copy, also after save → load and for indexes saved without copies', () => {
    const exact = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
    const index = VectorIndex.create(DIM);
    for (let i = 0; i < 40; i++) index.add(`v${i}`, unit(i));
    const q = unit(1000);
    const errors = Array.from({ length: 40 }, (_, i) => Math.abs((index.similarity(`v${i}`, q) ?? Number.NaN) - exact(unit(i), q)));
    expect(Math.max(...errors)).toBeLessThan(0.01);
    expect(index.similarity('v3', unit(3))).toBeCloseTo(1, 2);
    index.remove('v5');
    expect(index.similarity('v5', q)).toBeUndefined();
    expect(index.similarity('nope', q)).toBeUndefined();

    const dir = mkdtempSync(join(tmpdir(), 'vi-codes-'));
    dirs.push(dir);
    index.save(dir);
    const loaded = VectorIndex.load(dir);
    for (const i of [0, 7, 39]) expect(loaded.similarity(`v${i}`, q)).toBe(index.similarity(`v${i}`, q));
    // Copies saved with another graph (same labels, other vectors) are not used.
    const other = VectorIndex.create(DIM);
    for (let i = 0; i < 40; i++) other.add(`v${i}`, unit(500 + i));
    const otherDir = mkdtempSync(join(tmpdir(), 'vi-codes-'));
    dirs.push(otherDir);
    other.save(otherDir);
    copyFileSync(join(otherDir, 'codes-i8.bin'), join(dir, 'codes-i8.bin'));
    const mixed = VectorIndex.load(dir);
    for (const i of [0, 7, 39]) expect(Math.abs((mixed.similarity(`v${i}`, q) ?? Number.NaN) - exact(unit(i), q))).toBeLessThan(0.01);
    // An index saved before the copies existed: they are made from the graph on first use.
    rmSync(join(dir, 'codes-i8.bin'));
    const old = VectorIndex.load(dir);
    for (const i of [0, 7, 39]) expect(Math.abs((old.similarity(`v${i}`, q) ?? Number.NaN) - exact(unit(i), q))).toBeLessThan(0.01);
    // Replacing a vector replaces its copy.
    old.add('v0', unit(77));
    expect(old.similarity('v0', unit(77))).toBeCloseTo(1, 2);
  });
});

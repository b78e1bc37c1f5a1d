// A running bot refits its local embedder in slices (knowledge-base refresh): the result must be the
// very embedder `fit` gives, and the event loop must get turns while it is computed.
import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../../../../knowledge/embeddings/local-embedder.js';
import { runInSlices, runNow, type Steps } from '../../../../knowledge/embeddings/steps.js';
import { FAQ_TEXTS } from '../retrieval/fixture.js';

/** A few thousand distinct texts: enough work for several slices. */
const CORPUS = Array.from({ length: 1_500 }, (_, i) => `${FAQ_TEXTS[i % FAQ_TEXTS.length]} ${FAQ_TEXTS[(i * 7) % FAQ_TEXTS.length]} #${i}`);

describe('fitting in slices', () => {
  it('gives the same embedder as fitting at once: same id, same vectors', async () => {
    const atOnce = LocalEmbedder.fit(CORPUS);
    const sliced = await LocalEmbedder.fitInSlices(CORPUS);
    expect(sliced.id).toBe(atOnce.id);
    const probe = ['退款多久到账', 'where is my parcel', '发票抬头开错了'];
    expect(await sliced.embed(probe)).toEqual(await atOnce.embed(probe));
  });

  it('lets the event loop run while it fits; fitting at once does not', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      LocalEmbedder.fit(CORPUS);
      expect(turns).toBe(0);
      await LocalEmbedder.fitInSlices(CORPUS);
      expect(turns).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('runs steps to the same value either way, and passes errors through', async () => {
    function* count(n: number): Steps<number> {
      let sum = 0;
      for (let i = 1; i <= n; i++) {
        sum += i;
        yield;
      }
      if (n < 0) throw new Error('negative');
      return sum;
    }
    expect(runNow(count(100))).toBe(5050);
    expect(await runInSlices(count(100), 0)).toBe(5050);
    await expect(runInSlices(count(-1))).rejects.toThrow('negative');
  });
});

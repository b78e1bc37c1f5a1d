import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../../../../knowledge/embeddings/local-embedder.js';
import { normaliseText, textFeatures } from '../../../../knowledge/embeddings/text-features.js';
import { FAQ_TEXTS } from '../retrieval/fixture.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));

describe('text features', () => {
  it('normalises width, case, masks and Chinese question words', () => {
    expect(normaliseText('ＡＢＣ１２３')).toBe('abc123');
    expect(normaliseText('订单***号')).toBe(normaliseText('订单****号'));
    expect(normaliseText('为啥不能退款')).toBe(normaliseText('为什么不能退款'));
    expect(normaliseText('如何退款')).toBe(normaliseText('怎么退款'));
    // long digit runs (order ids, phones) are masked; short numbers are kept
    expect(normaliseText('单号 123456789012')).toBe(normaliseText('单号 987654321098'));
    expect(normaliseText('100 night trial')).toContain('100');
  });

  it('extracts zh char n-grams and en words, bigrams and char grams', () => {
    const keys = textFeatures('退款 refund order').map((f) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['z退', 'z款', 'z退款', 'wrefund', 'worder', 'brefund order', 'c<re', 'cfund>']));
  });

  it('down-weights n-grams made only of stop characters', () => {
    const le = textFeatures('好了吗').find((f) => f.key === 'z了吗');
    expect(le?.weight).toBeLessThan(1);
  });
});

describe('LocalEmbedder', () => {
  const embedder = LocalEmbedder.fit(FAQ_TEXTS, { hashDim: 256, lsaRank: 8 });

  it('returns unit vectors of the declared dimension', async () => {
    const [v] = await embedder.embed(['退款多久到账']);
    expect(v).toHaveLength(embedder.dimension);
    expect(embedder.dimension).toBe(256 + 8);
    expect(norm(v ?? new Float32Array())).toBeCloseTo(1, 5);
    const [empty] = await embedder.embed(['']);
    expect(norm(empty ?? new Float32Array(1))).toBe(0);
  });

  it('is deterministic: same corpus → same id and vectors', async () => {
    const again = LocalEmbedder.fit(FAQ_TEXTS, { hashDim: 256, lsaRank: 8 });
    expect(again.id).toBe(embedder.id);
    expect(await again.embed(['发票怎么开', 'refund'])).toEqual(await embedder.embed(['发票怎么开', 'refund']));
  });

  it('changes id when the fitted state changes', () => {
    expect(LocalEmbedder.fit([...FAQ_TEXTS, '新增的问题'], { hashDim: 256, lsaRank: 8 }).id).not.toBe(embedder.id);
    expect(LocalEmbedder.fit(FAQ_TEXTS, { hashDim: 256, lsaRank: 4 }).id).not.toBe(embedder.id);
  });

  it('round-trips its state through JSON', async () => {
    const restored = LocalEmbedder.fromJSON(JSON.parse(JSON.stringify(embedder.toJSON())));
    expect(restored.id).toBe(embedder.id);
    expect(restored.dimension).toBe(embedder.dimension);
    expect(await restored.embed(['怎么取消订单', 'cancel my order'])).toEqual(await embedder.embed(['怎么取消订单', 'cancel my order']));
    expect(() => LocalEmbedder.fromJSON({ kind: 'other' })).toThrow();
  });

  it('puts paraphrases closer than unrelated texts (zh and en)', async () => {
    const [q, same, other, qEn, sameEn, otherEn] = await embedder.embed([
      '退款多长时间到账',
      '退款多久能到账',
      '尺码怎么选',
      'how long until my refund arrives',
      'How long does a refund take?',
      'Which size should I choose?',
    ]);
    const v = (x: Float32Array | undefined) => x ?? new Float32Array(embedder.dimension);
    expect(dot(v(q), v(same))).toBeGreaterThan(dot(v(q), v(other)));
    expect(dot(v(qEn), v(sameEn))).toBeGreaterThan(dot(v(qEn), v(otherEn)));
  });
});

import { describe, expect, test } from 'vitest';
import { cosine, featureTokens, featurize, hashFeatures, hashString } from '../../../../knowledge/triage/features.js';

const norm = (v: { val: Float32Array }) => Math.sqrt([...v.val].reduce((a, b) => a + b * b, 0));

describe('featureTokens', () => {
  test('Chinese: character 1-, 2- and 3-grams, no segmenter', () => {
    const tokens = featureTokens('退款没到');
    expect(tokens).toEqual(expect.arrayContaining(['h:退', 'h:款', 'h:退款', 'h:款没', 'h:退款没', 'h:款没到']));
    expect(tokens.filter((t) => t.startsWith('h:'))).toHaveLength(4 + 3 + 2);
  });

  test('English: lower-cased words, word bigrams and in-word character 3–5-grams', () => {
    const tokens = featureTokens('Refund NOT received');
    expect(tokens).toEqual(expect.arrayContaining(['w:refund', 'w:not', 'b:refund not', 'b:not received', 'c:<re', 'c:fund>', 'c:<ref']));
    // Two-letter words get no character n-grams (they would only repeat the word).
    expect(featureTokens('is it').some((t) => t.startsWith('c:'))).toBe(false);
  });

  test('emoji, repeated punctuation and full-width characters', () => {
    const tokens = featureTokens('ＶＩＰ太慢了😡！！');
    expect(tokens).toEqual(expect.arrayContaining(['w:vip', 'h:太慢了', 'e:😡', 'p:!', 'x:!!']));
  });

  test('mixed zh/en: Han runs and Latin words are separate; no bigram across scripts', () => {
    const tokens = featureTokens('iPhone 15能用这个壳吗');
    expect(tokens).toEqual(expect.arrayContaining(['w:iphone', 'w:15', 'b:iphone 15', 'h:能用', 'h:壳吗']));
    expect(tokens.some((t) => t.startsWith('b:15'))).toBe(false);
  });

  test('long numbers become a shape token: an order number says "an order was given", not which', () => {
    expect(featureTokens('订单1234567890123456789')).toContain('w:<num19>');
    expect(featureTokens('SO20261103 arrived')).toContain('w:so<id>');
    expect(featureTokens('打12315')).toContain('w:12315');
  });

  test('deterministic, and never empty', () => {
    const text = '收到杯子碎了📦 order 5710293847561029384, refund pls!!';
    expect(featureTokens(text)).toEqual(featureTokens(text));
    expect(featureTokens('')).toEqual(['x:empty']);
    expect(featureTokens('   ')).toEqual(['x:empty']);
  });
});

describe('hashFeatures / featurize', () => {
  test('sorted unique indices within dim, L2-normalised, identical across calls', () => {
    const a = featurize('物流三天没更新了，是不是丢件了', 1024);
    const b = featurize('物流三天没更新了，是不是丢件了', 1024);
    expect([...a.idx]).toEqual([...b.idx]);
    expect([...a.val]).toEqual([...b.val]);
    expect([...a.idx]).toEqual([...new Set(a.idx)].sort((x, y) => x - y));
    expect(Math.max(...a.idx)).toBeLessThan(1024);
    expect(norm(a)).toBeCloseTo(1, 5);
  });

  test('repeated tokens count sublinearly; extra features are added', () => {
    const v = hashFeatures(['w:a', 'w:a', 'w:a', 'w:b'], 1 << 18);
    const ia = v.idx.indexOf(hashString('w:a') % (1 << 18));
    const ib = v.idx.indexOf(hashString('w:b') % (1 << 18));
    expect((v.val[ia] ?? 0) / (v.val[ib] ?? 1)).toBeCloseTo(1 + Math.log(3), 5);
    const withExtra = hashFeatures(['w:a'], 1 << 18, ['sig:legal']);
    expect(withExtra.idx).toContain(hashString('sig:legal') % (1 << 18));
  });

  test('cosine: 1 for the same text, higher for a near copy than for an unrelated text', () => {
    const a = featurize('显示已签收但我根本没收到');
    expect(cosine(a, a)).toBeCloseTo(1, 5);
    expect(cosine(a, featurize('显示已签收但我根本没收到啊'))).toBeGreaterThan(cosine(a, featurize('能开发票吗')));
  });
});

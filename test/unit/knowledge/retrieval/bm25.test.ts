import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../../../knowledge/retrieval/bm25.js';

describe('Bm25Index', () => {
  it('ranks the document sharing the rarer words first (zh and en)', () => {
    const bm = new Bm25Index();
    bm.add('a', '退款多久能到账');
    bm.add('b', '怎么修改收货地址');
    bm.add('c', 'how do I cancel my order');
    bm.add('d', 'where is my order');
    expect(bm.search('退款到账要几天')[0]?.id).toBe('a');
    expect(bm.search('cancel order')[0]?.id).toBe('c');
  });

  it('adds and removes documents incrementally (IDF follows)', () => {
    const bm = new Bm25Index();
    bm.add('a', 'refund status');
    bm.add('b', 'shipping status');
    const idfBefore = bm.idf('wrefund');
    bm.add('c', 'refund policy');
    expect(bm.idf('wrefund')).toBeLessThan(idfBefore);
    expect(
      bm
        .search('refund')
        .map((h) => h.id)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(bm.remove('a')).toBe(true);
    expect(bm.remove('a')).toBe(false);
    expect(bm.size).toBe(2);
    expect(bm.search('refund').map((h) => h.id)).toEqual(['c']);
    // replacing a document drops its old terms
    bm.add('c', 'return window');
    expect(bm.search('refund')).toEqual([]);
    expect(bm.search('return')[0]?.id).toBe('c');
  });

  it('normalises scores to [0, 1] and honours exclusions', () => {
    const bm = new Bm25Index();
    bm.add('a', '发票怎么开');
    bm.add('b', '发票抬头写错了');
    const hits = bm.search('发票怎么开');
    expect(hits[0]?.id).toBe('a');
    for (const h of hits) {
      expect(h.normalised).toBeGreaterThanOrEqual(0);
      expect(h.normalised).toBeLessThanOrEqual(1);
    }
    expect(bm.search('发票怎么开', 5, new Set(['a'])).map((h) => h.id)).toEqual(['b']);
    expect(bm.scoreOf('发票怎么开', 'a').score).toBeCloseTo(hits[0]?.score ?? 0);
  });

  it('scores exactly when a large index limits candidates to rare terms', () => {
    const small = new Bm25Index({ maxCandidates: 3 });
    const full = new Bm25Index();
    for (let i = 0; i < 10; i++) {
      small.add(`d${i}`, `订单 物流 ${i === 7 ? '发票' : ''}`);
      full.add(`d${i}`, `订单 物流 ${i === 7 ? '发票' : ''}`);
    }
    expect(small.search('订单发票', 1)).toEqual(full.search('订单发票', 1));
  });
});

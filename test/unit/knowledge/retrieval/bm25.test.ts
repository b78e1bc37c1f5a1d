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

  it('reuses the slots of removed documents without leaking their scores', () => {
    const bm = new Bm25Index();
    for (let i = 0; i < 5; i++) bm.add(`d${i}`, `订单 ${i}`);
    bm.remove('d1');
    bm.remove('d3');
    bm.add('x', '发票 订单');
    bm.add('y', '物流');
    expect(bm.size).toBe(5);
    expect(bm.search('发票')[0]?.id).toBe('x');
    expect(
      bm
        .search('订单')
        .map((h) => h.id)
        .sort(),
    ).toEqual(['d0', 'd2', 'd4', 'x']);
    // scores are not carried over from one search to the next
    expect(bm.search('发票')).toEqual(bm.search('发票'));
  });

  it('bounds the candidates when even the rarest query term is common', () => {
    const bm = new Bm25Index({ maxCandidates: 4 });
    for (let i = 0; i < 20; i++) bm.add(`d${i}`, `order status ${i}`);
    const hits = bm.search('order');
    expect(hits.length).toBe(4);
    for (const h of hits) expect(h.score).toBeCloseTo(bm.scoreOf('order', h.id).score);
  });

  it('idfPower > 1 lets a rare word outweigh several common ones', () => {
    const docs: [string, string][] = [
      ['timeline', 'how long does a refund take'],
      ['refund', 'how long until refund'],
      ['ship-a', 'shipping to japan'],
      ['x1', 'how long'],
      ['x2', 'how long is it'],
      ['x3', 'does it take long'],
    ];
    const plain = new Bm25Index();
    const sharp = new Bm25Index({ idfPower: 2 });
    for (const [id, t] of docs) {
      plain.add(id, t);
      sharp.add(id, t);
    }
    const q = 'how long does shipping to japan take';
    expect(sharp.search(q)[0]?.id).toBe('ship-a');
    const n = (bm: Bm25Index) => bm.scoreOf(q, 'ship-a').normalised;
    expect(n(sharp)).toBeGreaterThan(n(plain));
  });
});

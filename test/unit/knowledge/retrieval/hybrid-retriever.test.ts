import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../../../../knowledge/embeddings/local-embedder.js';
import { DEFAULT_AUTO_ANSWER_THRESHOLD, HybridRetriever } from '../../../../knowledge/retrieval/hybrid-retriever.js';
import { FAQ, FAQ_TEXTS } from './fixture.js';

const embedder = LocalEmbedder.fit(FAQ_TEXTS, { hashDim: 256, lsaRank: 8 });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('HybridRetriever', () => {
  it.each([
    ['退款几天能到账', 'refund-time'],
    ['收货地址写错了怎么改', 'change-address'],
    ['能开专票吗', 'invoice'],
    ['订单怎么取消', 'cancel-order'],
    ['when does my order ship', 'shipping-time'],
    ['my coupon does not work', 'coupon'],
    ['how long is the warranty period', 'warranty'],
  ])('ranks the right FAQ first for %s', async (query, id) => {
    const r = await HybridRetriever.create(embedder, FAQ);
    const [top] = await r.search(query, 3);
    expect(top?.id).toBe(id);
    expect(top?.score).toBeGreaterThan(0);
    expect(top?.score).toBeLessThanOrEqual(1);
    expect(FAQ.find((e) => e.id === id)?.texts).toContain(top?.matchedText);
  });

  it('returns distinct entries, best first, with component scores', async () => {
    const r = await HybridRetriever.create(embedder, FAQ);
    const hits = await r.search('怎么取消订单', 5);
    expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
    expect(hits[0]?.vectorScore).toBeGreaterThan(0.9);
    expect(hits[0]?.keywordScore).toBeGreaterThan(0.5);
  });

  it('scores an unrelated query lower than an exact question', async () => {
    const r = await HybridRetriever.create(embedder, FAQ);
    const [exact] = await r.search('怎么开发票', 1);
    const [unrelated] = await r.search('今天天气很好适合去公园散步', 1);
    expect(exact?.score ?? 0).toBeGreaterThanOrEqual(DEFAULT_AUTO_ANSWER_THRESHOLD);
    expect(unrelated?.score ?? 1).toBeLessThan(DEFAULT_AUTO_ANSWER_THRESHOLD);
  });

  it('upserts and removes entries incrementally, and honours exclude', async () => {
    const r = await HybridRetriever.create(embedder, FAQ);
    await r.upsert({ id: 'gift-wrap', texts: ['可以包装成礼物吗', 'Do you offer gift wrapping?'] });
    expect((await r.search('do you offer gift wrapping', 1))[0]?.id).toBe('gift-wrap');
    await r.upsert({ id: 'gift-wrap', texts: ['贺卡怎么写'] });
    expect(r.get('gift-wrap')?.texts).toEqual(['贺卡怎么写']);
    expect(r.remove('gift-wrap')).toBe(true);
    expect((await r.search('贺卡怎么写', 5)).map((h) => h.id)).not.toContain('gift-wrap');
    expect((await r.search('怎么开发票', 3, { exclude: new Set(['invoice']) })).map((h) => h.id)).not.toContain('invoice');
    expect(r.size).toBe(FAQ.length);
  });

  it('saves and loads: same results; a different embedder id triggers re-embedding', async () => {
    const r = await HybridRetriever.create(embedder, FAQ);
    await r.upsert({ id: 'gift-wrap', texts: ['可以包装成礼物吗'] });
    r.remove('size-guide');
    const dir = mkdtempSync(join(tmpdir(), 'kb-hybrid-'));
    dirs.push(dir);
    r.save(dir);
    const loaded = await HybridRetriever.load(dir, LocalEmbedder.fromJSON(embedder.toJSON()));
    for (const q of ['退款几天能到账', '礼物包装', 'cancel my order', '尺码怎么选']) expect(await loaded.search(q, 5)).toEqual(await r.search(q, 5));
    const other = LocalEmbedder.fit([...FAQ_TEXTS, '可以包装成礼物吗'], { hashDim: 128, lsaRank: 4 });
    const rebuilt = await HybridRetriever.load(dir, other);
    expect(rebuilt.vectorIndex.dimension).toBe(other.dimension);
    expect((await rebuilt.search('可以包装成礼物吗', 1))[0]?.id).toBe('gift-wrap');
  });

  it('entry-level keyword scoring finds an entry whose words are spread over several texts', async () => {
    const entries = [
      { id: 'xinjiang', texts: ['新疆西藏地区配送', '偏远地区需要额外运费'] },
      { id: 'timeline', texts: ['退款多久到账', '一般几天能退回'] },
      { id: 'shipping', texts: ['发货后几天能到', '下单后多久发货'] },
    ];
    const e = LocalEmbedder.fit(
      entries.flatMap((x) => x.texts),
      { hashDim: 128, lsaRank: 0 },
    );
    const r = await HybridRetriever.create(e, entries, { entryKeywordWeight: 1 });
    expect((await r.search('新疆偏远地区运费', 3))[0]?.id).toBe('xinjiang');
    r.remove('xinjiang');
    expect((await r.search('新疆偏远地区运费', 3)).map((h) => h.id)).not.toContain('xinjiang');
  });
});

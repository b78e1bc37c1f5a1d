import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.js';
import { openDatabase } from '../../core/store/database.js';
import { PrismaKnowledgeStore } from '../../core/store/knowledge-store.js';
import { migrate } from '../../core/store/migrate.js';
import { LocalEmbedder } from '../../knowledge/embeddings/local-embedder.js';
import { KnowledgeBase } from '../../knowledge/kb/knowledge-base.js';
import type { Embedder } from '../../knowledge/ports.js';
import { freshSqlite, type TestDatabase } from '../helpers/databases.js';

const DEMO = join(PROJECT_ROOT, 'knowledge', 'demo');

describe('knowledge base on SQLite with the bundled demo FAQ', () => {
  let db: TestDatabase;
  let dir: string;
  let close: () => Promise<void>;
  let store: PrismaKnowledgeStore;

  beforeEach(async () => {
    db = freshSqlite();
    await migrate(db);
    const database = await openDatabase(db);
    close = database.close;
    store = new PrismaKnowledgeStore(database.db);
    dir = mkdtempSync(join(tmpdir(), 'kb-'));
    cpSync(DEMO, join(dir, 'src'), { recursive: true });
  });
  afterEach(async () => {
    await close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const top = async (kb: KnowledgeBase, q: string) => (await kb.search(q, 5))[0]?.document.entryId;

  test('ingests JSONL, CSV and Markdown; Chinese and English questions find their entries', async () => {
    const kb = await KnowledgeBase.open({ store, dir: join(dir, 'kb') });
    const progress: number[] = [];
    const report = await kb.ingest(join(dir, 'src'), (done) => progress.push(done));
    expect(report).toMatchObject({ updated: 0, unchanged: 0, removed: 0, refitted: true });
    expect(report.added).toBe(kb.size);
    expect(progress.at(-1)).toBe(report.added);
    const sources = new Set((await store.listDocuments()).map((d) => d.source));
    expect(sources).toEqual(new Set(['faq.jsonl', 'size-guide.md', 'shipping-regions.csv']));

    expect(await top(kb, '衣服不喜欢可以退吗，七天内')).toBe('returns-7day-no-reason-zh');
    expect(await top(kb, 'can i return a jacket i dont like after 5 days')).toBe('returns-7day-no-reason-en');
    expect(await top(kb, '开发票要提供什么，公司抬头税号')).toBe('invoice-zh');
  });

  test('re-ingest is incremental: unchanged skipped, changed re-embedded, removed deleted; the index survives a restart', async () => {
    const kb = await KnowledgeBase.open({ store, dir: join(dir, 'kb') });
    const first = await kb.ingest(join(dir, 'src'));
    expect(await kb.ingest(join(dir, 'src'))).toEqual({ added: 0, updated: 0, unchanged: first.added, removed: 0, refitted: false });

    const faq = join(dir, 'src', 'faq.jsonl');
    const lines = readFileSync(faq, 'utf8').trim().split('\n');
    const invoice = lines.findIndex((l) => l.includes('"invoice-zh"'));
    const edited = JSON.parse(lines[invoice] ?? '{}') as { answer: string; example_questions: string[] };
    edited.answer = '电子发票在确认收货后 1 个工作日内开具。';
    edited.example_questions.push('电子发票多久能开好');
    lines[invoice] = JSON.stringify(edited);
    const removedLine = lines.findIndex((l) => l.includes('"washing-care-zh"'));
    lines.splice(removedLine, 1);
    writeFileSync(faq, `${lines.join('\n')}\n`);

    const second = await kb.ingest(join(dir, 'src'));
    expect(second).toEqual({ added: 0, updated: 1, unchanged: first.added - 2, removed: 1, refitted: false });
    const hits = await kb.search('电子发票多久能开好', 3);
    expect(hits[0]?.document).toMatchObject({ entryId: 'invoice-zh', answer: '电子发票在确认收货后 1 个工作日内开具。' });
    expect((await store.listDocuments()).some((d) => d.entryId === 'washing-care-zh')).toBe(false);

    const reopened = await KnowledgeBase.open({ store, dir: join(dir, 'kb') });
    expect(reopened.embedderId).toBe(kb.embedderId);
    expect((await reopened.search('电子发票多久能开好', 3)).map((h) => [h.id, h.score])).toEqual(hits.map((h) => [h.id, h.score]));
  });

  test('ingesting one file refits only when the change is a large share of the whole knowledge base', async () => {
    const kb = await KnowledgeBase.open({ store, dir: join(dir, 'kb') });
    await kb.ingest(join(dir, 'src'));
    const guide = join(dir, 'src', 'size-guide.md');
    const heading = '## 鞋码换算 / Shoe size conversion';
    const bedding = '## 床品尺寸怎么选 / Bedding sizes';
    const text = readFileSync(guide, 'utf8').replace(heading, `${heading}\n\n童鞋另见童装页的脚长对照。`);
    writeFileSync(guide, text.replace(bedding, `${bedding}\n\n被套比被芯大 5 厘米以内为宜。`));
    // Two entries of one file changed: a fifth of that file, but a small share of the knowledge base.
    expect(await kb.ingest(guide)).toMatchObject({ updated: 2, removed: 0, refitted: false });
    const shoes = (await store.listDocuments()).find((d) => d.answer.includes('童鞋另见童装页'));
    expect(shoes?.source).toBe('size-guide.md');
    expect(await top(kb, '童鞋的脚长对照在哪看')).toBe(shoes?.entryId);
  });

  test('ingesting one nested file of an ingested folder updates its entries, without copies', async () => {
    mkdirSync(join(dir, 'src', 'zh'));
    renameSync(join(dir, 'src', 'faq.jsonl'), join(dir, 'src', 'zh', 'faq.jsonl'));
    const kb = await KnowledgeBase.open({ store, dir: join(dir, 'kb') });
    await kb.ingest(join(dir, 'src'));
    const before = await store.listDocuments();
    const faq = join(dir, 'src', 'zh', 'faq.jsonl');
    const lines = readFileSync(faq, 'utf8').trim().split('\n');
    const invoice = lines.findIndex((l) => l.includes('"invoice-zh"'));
    const edited = JSON.parse(lines[invoice] ?? '{}') as { answer: string };
    edited.answer = '电子发票在确认收货后 1 个工作日内开具。';
    lines[invoice] = JSON.stringify(edited);
    writeFileSync(faq, `${lines.join('\n')}\n`);

    const report = await kb.ingest(faq);
    expect(report).toMatchObject({ added: 0, updated: 1, removed: 0, unchanged: lines.length - 1, source: 'zh/faq.jsonl' });
    const after = await store.listDocuments();
    expect(after).toHaveLength(before.length);
    expect(new Set(after.map((d) => d.source))).toEqual(new Set(['zh/faq.jsonl', 'size-guide.md', 'shipping-regions.csv']));
    expect(kb.size).toBe(before.length);
    // One copy of each entry: the best match leads the runner-up, and the edited answer is the one found.
    const hits = await kb.search('开发票要提供什么，公司抬头税号', 2);
    expect(hits[0]?.document).toMatchObject({ source: 'zh/faq.jsonl', entryId: 'invoice-zh', answer: edited.answer });
    expect(hits[1]?.document.entryId).not.toBe('invoice-zh');
  });

  test('a missing or stale index is rebuilt from the database', async () => {
    const kb = await KnowledgeBase.open({ store, dir: join(dir, 'kb') });
    await kb.ingest(join(dir, 'src'));
    const before = await top(kb, '尺码偏大还是偏小，两个尺码之间怎么选');
    rmSync(join(dir, 'kb'), { recursive: true, force: true });
    const rebuilt = await KnowledgeBase.open({ store, dir: join(dir, 'kb') });
    expect(rebuilt.size).toBe(kb.size);
    expect(await top(rebuilt, '尺码偏大还是偏小，两个尺码之间怎么选')).toBe(before);
  });

  test("a running process catches up with another process's ingest: new, changed and removed entries", async () => {
    // The bot (own data folder) and `ticketbot kb ingest` (another process) on one database.
    const cli = await KnowledgeBase.open({ store, dir: join(dir, 'cli') });
    await cli.ingest(join(dir, 'src'));
    const bot = await KnowledgeBase.open({ store, dir: join(dir, 'bot') });
    expect(await bot.refresh()).toBe(false);
    const faq = join(dir, 'src', 'faq.jsonl');
    const lines = readFileSync(faq, 'utf8').trim().split('\n');
    const removed = lines.findIndex((l) => l.includes('"washing-care-zh"'));
    lines.splice(removed, 1);
    const invoice = lines.findIndex((l) => l.includes('"invoice-zh"'));
    lines[invoice] = JSON.stringify({ ...JSON.parse(lines[invoice] ?? '{}'), answer: '电子发票在确认收货后 1 个工作日内开具。' });
    lines.push(
      JSON.stringify({
        faq_id: 'gift-wrap-zh',
        language: 'zh',
        question: '可以礼品包装吗？',
        example_questions: ['能帮忙包成礼物吗', '送人的 要贺卡'],
        answer: '下单备注“礼品包装”，免费附贺卡。',
      }),
    );
    writeFileSync(faq, `${lines.join('\n')}\n`);
    await cli.ingest(join(dir, 'src'));

    expect(await top(bot, '送人的 能包成礼物吗')).not.toBe('gift-wrap-zh');
    expect(await bot.refresh()).toBe(true);
    expect(bot.size).toBe(cli.size);
    expect(await top(bot, '送人的 能包成礼物吗')).toBe('gift-wrap-zh');
    expect((await bot.search('开发票要提供什么，公司抬头税号', 1))[0]?.document).toMatchObject({
      entryId: 'invoice-zh',
      answer: '电子发票在确认收货后 1 个工作日内开具。',
    });
    expect((await bot.search('衣服怎么洗 能机洗吗', 10)).some((h) => h.document.entryId === 'washing-care-zh')).toBe(false);
    // Caught up: the next poll reads one setting and changes nothing.
    expect(await bot.refresh()).toBe(false);
  });

  test('a refresh that fails is tried again; an ingest that fails after changing documents still publishes them', async () => {
    const cli = await KnowledgeBase.open({ store, dir: join(dir, 'cli') });
    await cli.ingest(join(dir, 'src'));
    // A fixed embedder (as KB_EMBEDDER=openai) whose next call fails, like an unreachable endpoint.
    const local = LocalEmbedder.fit((await store.listDocuments()).flatMap((d) => d.chunks.map((c) => c.text)));
    let failures = 0;
    const flaky: Embedder = {
      id: local.id,
      dimension: local.dimension,
      embed: async (texts) => {
        if (failures > 0) {
          failures--;
          throw new Error('embedding endpoint unreachable');
        }
        return local.embed(texts);
      },
    };
    const bot = await KnowledgeBase.open({ store, dir: join(dir, 'bot'), embedder: flaky });
    const faq = join(dir, 'src', 'faq.jsonl');
    const gift = {
      faq_id: 'gift-wrap-zh',
      language: 'zh',
      question: '可以礼品包装吗？',
      example_questions: ['能帮忙包成礼物吗'],
      answer: '下单备注“礼品包装”。',
    };
    writeFileSync(faq, `${readFileSync(faq, 'utf8').trim()}\n${JSON.stringify(gift)}\n`);
    await cli.ingest(join(dir, 'src'));
    failures = 1;
    await expect(bot.refresh()).rejects.toThrow('unreachable');
    expect(await bot.refresh()).toBe(true);
    expect(await top(bot, '能帮忙包成礼物吗')).toBe('gift-wrap-zh');

    // The ingesting side fails after its first document is stored: the revision still moves.
    const writer = await KnowledgeBase.open({ store, dir: join(dir, 'writer'), embedder: flaky });
    const size = { ...gift, faq_id: 'gift-card-zh', question: '有礼品卡吗？', example_questions: ['可以买礼品卡送人吗'], answer: '暂不支持礼品卡。' };
    writeFileSync(faq, `${readFileSync(faq, 'utf8').trim()}\n${JSON.stringify(size)}\n`);
    failures = 1;
    await expect(writer.ingest(join(dir, 'src'))).rejects.toThrow('unreachable');
    expect(await bot.refresh()).toBe(true);
    expect(await top(bot, '可以买礼品卡送人吗')).toBe('gift-card-zh');
  });

  test('when much of the knowledge base changed elsewhere, a running process refits its local embedder', async () => {
    const cli = await KnowledgeBase.open({ store, dir: join(dir, 'cli') });
    await cli.ingest(join(dir, 'src'));
    const bot = await KnowledgeBase.open({ store, dir: join(dir, 'bot') });
    const before = bot.embedderId;
    const faq = join(dir, 'src', 'faq.jsonl');
    const lines = readFileSync(faq, 'utf8').trim().split('\n');
    writeFileSync(faq, `${lines.slice(0, Math.floor(lines.length / 2)).join('\n')}\n`);
    await cli.ingest(join(dir, 'src'));
    expect(await bot.refresh()).toBe(true);
    expect(bot.embedderId).not.toBe(before);
    expect(bot.embedderId).toBe(cli.embedderId);
    expect(bot.size).toBe(cli.size);
    expect(await top(bot, '开发票要提供什么，公司抬头税号')).toBe(await top(cli, '开发票要提供什么，公司抬头税号'));
  });
});

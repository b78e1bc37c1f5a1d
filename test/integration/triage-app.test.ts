import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createApp } from '../../bot/app.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { setCategory, setPriority } from '../../core/tickets/ticket-actions.js';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.js';
import { startFakeOpenAI } from '../helpers/fake-openai.js';

const lin = { role: 'agent' as const, agentId: 'lin', name: 'lin', platform: 'api' as const };
const msg = (id: string, text: string) => ({
  platform: 'web' as const,
  platformMessageId: id,
  author: { platformUserId: `c-${id}` },
  text,
  channel: 'web' as const,
});

describe.each(PROVIDERS)('triage in the running app on $name', (provider) => {
  let db: TestDatabase;
  const apps: { close(): Promise<void> }[] = [];
  const start = async (env: Record<string, string> = {}, opts: { syncEveryMs?: number } = {}) => {
    const app = await createApp({
      env: { DATABASE_URL: db.url, TICKETBOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'tb-triage-')), LOG_LEVEL: 'silent', ...env },
      ...opts,
    });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await db.drop();
  });

  test('an agent correction is stored, changes the running model at once, and survives a restart', async () => {
    db = await provider.fresh();
    const app = await start();
    const text = '小票上的积分没有到账，麻烦查一下';
    const first = await intakeMessage(app.deps, msg('a', text));
    const corrected = first.ticket.category === 'account' ? 'payment' : 'account';
    await setCategory(app.deps, first.ticket.id, lin, corrected);
    await setPriority(app.deps, first.ticket.id, lin, 'P2');
    await vi.waitFor(async () => expect(await app.knowledge.listCorrections()).toHaveLength(2));
    expect(await app.knowledge.listCorrections()).toMatchObject([
      { text, category: corrected, priority: null },
      { text, category: null, priority: 'P2' },
    ]);
    await vi.waitFor(async () => expect((await intakeMessage(app.deps, msg('b', text))).ticket).toMatchObject({ category: corrected, priority: 'P2' }));

    // Automatic changes never teach.
    await setCategory(app.deps, first.ticket.id, { role: 'system', platform: 'system' }, 'other');
    expect(await app.knowledge.listCorrections()).toHaveLength(2);

    await app.close();
    apps.pop();
    const restarted = await start();
    expect((await intakeMessage(restarted.deps, msg('c', text))).ticket).toMatchObject({ category: corrected, priority: 'P2' });
  });

  test("another process's corrections reach a running app at its next catch-up, once each", async () => {
    db = await provider.fresh();
    // Two processes on one database, each with its own data folder (as on two hosts).
    const a = await start();
    const b = await start({}, { syncEveryMs: 0 });
    const text = '我的会员积分被清零了，什么情况';
    const before = (await intakeMessage(b.deps, msg('b0', text))).ticket;
    const corrected = before.category === 'account' ? 'payment' : 'account';
    const priority = before.priority === 'P1' ? 'P2' : 'P1';
    const first = await intakeMessage(a.deps, msg('a0', text));
    await setCategory(a.deps, first.ticket.id, lin, corrected);
    await setPriority(a.deps, first.ticket.id, lin, priority);
    await vi.waitFor(async () => expect(await a.knowledge.listCorrections()).toHaveLength(2));
    // B has not caught up yet: its model still says what it said.
    expect((await intakeMessage(b.deps, msg('b1', text))).ticket.category).toBe(before.category);
    expect(await b.syncKnowledge()).toEqual({ kb: false, corrections: 2 });
    expect((await intakeMessage(b.deps, msg('b2', text))).ticket).toMatchObject({ category: corrected, priority });
    // Each correction is applied once: nothing new on the next catch-up, in either process.
    expect(await b.syncKnowledge()).toEqual({ kb: false, corrections: 0 });
    expect(await a.syncKnowledge()).toEqual({ kb: false, corrections: 0 });
    // A correction that commits late (PostgreSQL can commit a lower id after a higher one was read):
    // its id is reserved, a higher one is caught up first, then the reserved one commits.
    const store = a.database.db;
    const reserved = await store.triageCorrection.create({ data: { text: 'reserved' } });
    await store.triageCorrection.delete({ where: { id: reserved.id } });
    const higher = await store.triageCorrection.create({ data: { text: '快递一直不动，三天没更新了', priority } });
    expect(higher.id).toBeGreaterThan(reserved.id);
    expect(await b.syncKnowledge()).toEqual({ kb: false, corrections: 1 });
    const late = '退货地址写错了，寄到哪里';
    await store.triageCorrection.create({ data: { id: reserved.id, text: late, category: corrected } });
    expect(await b.syncKnowledge()).toEqual({ kb: false, corrections: 1 });
    expect((await intakeMessage(b.deps, msg('b3', late))).ticket.category).toBe(corrected);
    expect(await b.syncKnowledge()).toEqual({ kb: false, corrections: 0 });
  });

  test('a running app catches up on its own, every syncEveryMs', async () => {
    db = await provider.fresh();
    const a = await start();
    const b = await start({}, { syncEveryMs: 50 });
    const text = '积分商城兑换的东西一直没发货';
    const first = await intakeMessage(a.deps, msg('a0', text));
    const corrected = first.ticket.category === 'account' ? 'payment' : 'account';
    await setCategory(a.deps, first.ticket.id, lin, corrected);
    await vi.waitFor(async () => expect((await intakeMessage(b.deps, msg(`b-${Date.now()}`, text))).ticket.category).toBe(corrected), {
      timeout: 5000,
      interval: 100,
    });
  });

  test('with an OpenAI-compatible endpoint the LLM triages; when it fails, the local model answers', async () => {
    db = await provider.fresh();
    const fake = await startFakeOpenAI();
    try {
      const app = await start({ OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test', LLM_TIMEOUT_MS: '2000', LLM_MAX_RETRIES: '0' });
      fake.chat.enqueue({
        kind: 'answer',
        json: { category: 'invoice', priority: 'P3', sentiment: 'neutral', language: 'zh', orderIds: [], title: '要开专票', confidence: 0.93 },
      });
      const viaLlm = await intakeMessage(app.deps, msg('llm-1', '你好，我们公司要开增值税专用发票，抬头和税号怎么给你们？'));
      expect(viaLlm.ticket).toMatchObject({ category: 'invoice', title: '要开专票' });
      expect(fake.chat.requests).toHaveLength(1);

      fake.chat.enqueue({ kind: 'status', status: 500 });
      const viaLocal = await intakeMessage(app.deps, msg('llm-2', '再不处理我就去12315投诉你们！'));
      expect(viaLocal.ticket.priority).toBe('P1');
      expect(fake.chat.requests).toHaveLength(2);
    } finally {
      await fake.close();
    }
  });
});

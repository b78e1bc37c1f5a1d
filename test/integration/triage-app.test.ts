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
  const start = async (env: Record<string, string> = {}) => {
    const app = await createApp({ env: { DATABASE_URL: db.url, TICKETBOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'tb-triage-')), LOG_LEVEL: 'silent', ...env } });
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
    expect(await app.knowledge.listCorrections()).toEqual([
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

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEMO_KB } from '../../bot/cli-kb.js';
import { BUNDLED_CONFIG } from '../../core/config.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { PROVIDERS } from '../helpers/databases.js';
import { agentClient, http, startWebApp, type WebApp } from '../helpers/web.js';

interface AnswerBody {
  answered: boolean;
  autoAnswerId: number;
  feedbackToken: string;
  answer?: { id: string; title: string; answer: string; source: string; score: number };
  ticket?: { number: string };
}

describe.each(PROVIDERS)('knowledge over HTTP on $name', (provider) => {
  let web: WebApp;
  let configDir: string;
  beforeEach(async () => {
    // The auto-answer threshold comes from the config file; this one sets it to 0.5.
    configDir = mkdtempSync(join(tmpdir(), 'kb-config-'));
    const config = { ...JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')), autoAnswer: { enabled: true, threshold: 0.5 } };
    writeFileSync(join(configDir, 'ticketbot.config.json'), JSON.stringify(config));
    web = await startWebApp(await provider.fresh(), { env: { TICKETBOT_CONFIG: join(configDir, 'ticketbot.config.json') } });
    await web.app.kb.ingest(DEMO_KB);
  });
  afterEach(async () => {
    await web.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  const ask = (messageId: string, question: string, customer = 'cust-1') =>
    http<AnswerBody>(web.base, 'POST', '/api/answers', { json: { messageId, question, customer: { id: customer } } });

  test('a confident match is answered from the FAQ, logged, and "did not help" opens one ticket', async () => {
    const res = await ask('q-1', '退款多久到账');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ answered: true, answer: { id: 'faq.jsonl#refund-timeline-zh', source: 'faq.jsonl' } });
    expect(web.app.config.autoAnswer.threshold).toBe(0.5);
    expect(res.body.answer?.score).toBeGreaterThanOrEqual(0.5);
    expect(await web.app.deps.tickets.countTickets({})).toBe(0);
    const log = await web.app.knowledge.findAutoAnswer(res.body.autoAnswerId);
    expect(log).toMatchObject({ answered: true, answerEntryId: 'refund-timeline-zh', customerRef: 'cust-1', feedback: null, ticketId: null });
    expect(log?.candidates[0]).toMatchObject({ entryId: 'refund-timeline-zh' });
    // The same message again (a retried request) gets the same decision, logged once.
    const retried = await ask('q-1', '退款多久到账');
    expect(retried.body).toMatchObject({ answered: true, autoAnswerId: res.body.autoAnswerId, answer: { id: 'faq.jsonl#refund-timeline-zh' } });
    expect(await web.app.database.db.autoAnswerLog.count()).toBe(1);

    const path = `/api/answers/${res.body.autoAnswerId}/feedback`;
    const token = res.body.feedbackToken;
    expect(retried.body.feedbackToken).toBe(token);
    // Without the token given with the answer (log ids are sequential, customer ids guessable): refused, nothing opened.
    for (const forged of [undefined, 'x'.repeat(32), `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`]) {
      const refused = await http(web.base, 'POST', path, { json: { helpful: false, customer: { id: 'cust-1' }, ...(forged ? { token: forged } : {}) } });
      expect(refused.status).toBe(400);
    }
    expect(await web.app.deps.tickets.countTickets({})).toBe(0);
    const bad = await http<{ ticket: { number: string } }>(web.base, 'POST', path, { json: { helpful: false, customer: { id: 'cust-1' }, token } });
    expect(bad.status).toBe(201);
    const again = await http<{ ticket: { number: string } }>(web.base, 'POST', path, { json: { helpful: false, customer: { id: 'cust-1' }, token } });
    expect(again.body.ticket.number).toBe(bad.body.ticket.number);
    expect(await web.app.deps.tickets.countTickets({})).toBe(1);
    expect(await web.app.knowledge.findAutoAnswer(res.body.autoAnswerId)).toMatchObject({ feedback: 'not_helpful', ticketId: 1 });

    // Someone else cannot give feedback on (or open a ticket from) this customer's question.
    const stranger = await http(web.base, 'POST', path, { json: { helpful: false, customer: { id: 'someone-else' }, token } });
    expect(stranger.status).toBe(400);

    // Nor reach its ticket through intake by spelling the id the feedback filed it under.
    for (const [customer, messageId] of [
      ['#auto-answer', String(res.body.autoAnswerId)],
      ['auto-answer', String(res.body.autoAnswerId)],
    ]) {
      const forged = await http<{ ticket: { number: string; accessKey: string } }>(web.base, 'POST', '/api/messages', {
        json: { messageId, text: 'x', customer: { id: customer } },
      });
      expect(forged.status).toBe(201);
      expect(forged.body.ticket.number).not.toBe(bad.body.ticket.number);
    }
  });

  test('a repeated question under its ids with another text gets neither the answer nor a feedback token', async () => {
    const first = await ask('q-7', '退款多久到账');
    expect(first.body.answered).toBe(true);
    const other = await ask('q-7', '你们公司招不招仓库兼职', 'cust-1');
    expect(other.status).toBe(409);
    expect(other.text).not.toContain(first.body.feedbackToken);
  });

  test('a ticket filed under an id the bot made before ids were encoded (auto-answer:N) cannot be reached by posting that pair', async () => {
    const old = await intakeMessage(web.app.deps, {
      platform: 'web',
      platformMessageId: 'auto-answer:1',
      author: { platformUserId: 'cust-1' },
      text: '退款多久到账',
      channel: 'web',
    });
    const forged = await http<{ ticket?: { accessKey: string } }>(web.base, 'POST', '/api/messages', {
      json: { messageId: '1', text: '退款多久到账', customer: { id: 'auto-answer' } },
    });
    expect(forged.status).toBe(409);
    expect(forged.text).not.toContain(old.ticket.accessKey);
  });

  test('a question under ids already used for another message through intake is a conflict, not that ticket', async () => {
    const filed = await http<{ ticket: { number: string; accessKey: string } }>(web.base, 'POST', '/api/messages', {
      json: { messageId: 'q-9', text: '我的快递三天没动了', customer: { id: 'cust-9' } },
    });
    expect(filed.status).toBe(201);
    const res = await ask('q-9', '你们公司招不招仓库兼职，周末能去吗', 'cust-9');
    expect(res.status).toBe(409);
    expect(res.text).not.toContain(filed.body.ticket.accessKey);
  });

  test('a feedback id beyond the database integer range is 400, not a server error', async () => {
    const res = await http(web.base, 'POST', '/api/answers/3000000000/feedback', { json: { helpful: false, customer: { id: 'cust-1' } } });
    expect(res.status).toBe(400);
  });

  test('a question the FAQ cannot answer opens a ticket at once, and the decision is logged', async () => {
    const res = await ask('q-2', '你们公司招不招仓库兼职，周末能去吗');
    expect(res.status).toBe(201);
    expect(res.body.answered).toBe(false);
    expect(res.body.ticket?.number).toBe('T-000001');
    const log = await web.app.knowledge.findAutoAnswer(res.body.autoAnswerId);
    expect(log).toMatchObject({ answered: false, ticketId: 1, answerEntryId: null });
    expect(log?.topScore).toBeLessThan(log?.threshold ?? 0);
    // The same delivery again does not open a second ticket.
    expect((await ask('q-2', '你们公司招不招仓库兼职，周末能去吗')).body.ticket?.number).toBe('T-000001');
    expect(await web.app.deps.tickets.countTickets({})).toBe(1);
  });

  test('bad input is 400 with the field named, and nothing is logged', async () => {
    const res = await http<{ error: { fields: Record<string, string> } }>(web.base, 'POST', '/api/answers', { json: { messageId: 'x', question: '' } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['customer', 'question']);
  });

  test('agents get a suggested reply with its sources, and can search the knowledge base', async () => {
    const { ticket } = await intakeMessage(web.app.deps, {
      platform: 'web',
      platformMessageId: 'm-1',
      author: { platformUserId: 'c-9' },
      text: '衣服收到不喜欢，七天内能退吗？吊牌还在',
      channel: 'web',
    });
    const lin = agentClient(web.base, 'lin');
    const res = await lin.get<{ suggestion: { reply: string | null; drafted: boolean; sources: { id: string; answer: string }[] } }>(
      `/api/agent/tickets/${ticket.number}/suggestion`,
    );
    expect(res.status).toBe(200);
    expect(res.body.suggestion?.drafted).toBe(false);
    expect(res.body.suggestion?.sources[0]?.id).toBe('faq.jsonl#returns-7day-no-reason-zh');
    expect(res.body.suggestion?.reply).toBe(res.body.suggestion?.sources[0]?.answer);

    const search = await lin.get<{ hits: { id: string; score: number }[] }>(
      `/api/agent/kb/search?q=${encodeURIComponent('price dropped after I bought it')}&k=3`,
    );
    expect(search.body.hits?.[0]?.id).toBe('faq.jsonl#price-protection-en');
    expect((await http(web.base, 'GET', '/api/agent/kb/search?q=x')).status).toBe(401);
  });
});

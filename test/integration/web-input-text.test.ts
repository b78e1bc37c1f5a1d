import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEMO_KB } from '../../bot/cli-kb.js';
import { PROVIDERS } from '../helpers/databases.js';
import { agentClient, type ErrorBody, http, intakeBody, postMessage, startWebApp, type WebApp } from '../helpers/web.js';

/*
 * Strings the two databases store differently, over every web endpoint that stores text. PostgreSQL
 * cannot store NUL (\u0000) in a text column (error 22021), so it must be refused as bad input on
 * both databases, not end in a 500 on one of them. A lone UTF-16 surrogate is stored as U+FFFD by
 * the pg driver: a retry of the same request must still compare equal to what was stored.
 */

const NUL = '\u0000';
const LONE = '\ud83d';

describe.each(PROVIDERS)('NUL characters and lone surrogates in web input ($name)', (provider) => {
  let web: WebApp;

  beforeEach(async () => {
    web = await startWebApp(await provider.fresh(), {
      configure: (raw) => {
        raw.autoAnswer = { enabled: true, threshold: 0.5 };
      },
    });
  });
  afterEach(async () => {
    await web.close();
  });

  const lin = () => agentClient(web.base, 'lin');
  const db = () => web.app.database.db;

  /** A 400 whose `error.fields` names exactly `field`, with a message that says what is wrong. */
  function expectRefusedField(res: { status: number; body: unknown }, field: string) {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const error = (res.body as ErrorBody).error;
    expect(error.code).toBe('INVALID_INPUT');
    expect(Object.keys(error.fields ?? {})).toEqual([field]);
    expect(error.fields?.[field]).toMatch(/NUL/);
  }

  describe('a NUL character is a 400 naming the field, and nothing is written', () => {
    test.each([
      { field: 'text', body: intakeBody({ text: `hi${NUL}` }) },
      { field: 'messageId', body: intakeBody({ messageId: `m${NUL}1` }) },
      { field: 'customer.id', body: intakeBody({ customer: { id: `u${NUL}1` } }) },
      { field: 'customer.name', body: intakeBody({ customer: { id: 'u1', name: `王${NUL}芳` } }) },
      { field: 'orderId', body: intakeBody({ orderId: `SO-1${NUL}` }) },
      { field: 'attachments.0.url', body: intakeBody({ attachments: [{ url: `https://cdn.example.com/a${NUL}.jpg` }] }) },
      { field: 'attachments.0.name', body: intakeBody({ attachments: [{ url: 'https://cdn.example.com/a.jpg', name: `a${NUL}.jpg` }] }) },
      { field: 'attachments.0.contentType', body: intakeBody({ attachments: [{ url: 'https://cdn.example.com/a.jpg', contentType: `image/jpeg${NUL}` }] }) },
    ])('POST /api/messages: $field', async ({ field, body }) => {
      expectRefusedField(await postMessage(web.base, body), field);
      expect(await db().message.count()).toBe(0);
      expect(await db().customer.count()).toBe(0);
    });

    test.each([
      { field: 'question', body: { messageId: 'q1', question: `退款多久到账${NUL}`, customer: { id: 'u1' } } },
      { field: 'messageId', body: { messageId: `q${NUL}`, question: '退款多久到账', customer: { id: 'u1' } } },
      { field: 'customer.id', body: { messageId: 'q1', question: '退款多久到账', customer: { id: `u${NUL}` } } },
      { field: 'customer.name', body: { messageId: 'q1', question: '退款多久到账', customer: { id: 'u1', name: `${NUL}` } } },
    ])('POST /api/answers: $field', async ({ field, body }) => {
      expectRefusedField(await http(web.base, 'POST', '/api/answers', { json: body }), field);
      expect(await db().autoAnswerLog.count()).toBe(0);
      expect(await db().message.count()).toBe(0);
    });

    test('the agent API: note, reply, commands and the text fields of the actions', async () => {
      expect((await postMessage(web.base, intakeBody())).status).toBe(201);
      const agent = lin();
      expect((await agent.act('T-000001', 'claim')).status).toBe(200);
      const before = await web.app.deps.tickets.findTicket(1);

      expectRefusedField(await agent.act('T-000001', 'note', { text: `内部${NUL}备注` }), 'text');
      expectRefusedField(await agent.act('T-000001', 'reply', { text: '您好', messageId: `r${NUL}` }), 'messageId');
      expectRefusedField(await agent.act('T-000001', 'transfer', { team: 'logistics', note: `x${NUL}` }), 'note');
      expectRefusedField(await agent.act('T-000001', 'assign', { agent: `zhou${NUL}` }), 'agent');
      expectRefusedField(await agent.act('T-000001', 'category', { category: `refund${NUL}` }), 'category');
      expectRefusedField(await agent.act('T-000001', 'resolve', { note: `done${NUL}` }), 'note');
      expectRefusedField(await agent.command(`new 顾客来电${NUL}`), 'text');
      expectRefusedField(await agent.command('new 顾客来电', { messageId: `c${NUL}` }), 'messageId');
      expectRefusedField(await agent.command('status', { ticket: `T-000001${NUL}` }), 'ticket');

      expect(await db().message.count()).toBe(1);
      expect((await web.app.deps.tickets.findTicket(1))?.version).toBe(before?.version);
      expect(await web.app.deps.tickets.countTickets({})).toBe(1);
    });
  });

  describe('a lone surrogate is stored as U+FFFD, and a retry of the same request is still the same message', () => {
    test('POST /api/messages: text, messageId and customer.id', async () => {
      const body = intakeBody({ messageId: `m-${LONE}`, text: `ok ${LONE}`, customer: { id: `u-${LONE}` } });
      const first = await postMessage(web.base, body);
      const again = await postMessage(web.base, body);

      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body.ticket).toEqual(first.body.ticket);
      const [message] = await db().message.findMany();
      expect(message?.body).toBe('ok \ufffd');
      expect(message?.platformMessageId).toBe(`${encodeURIComponent('u-\ufffd')}:${encodeURIComponent('m-\ufffd')}`);
      // A different text under the same ids is still a conflict.
      expect((await postMessage(web.base, { ...body, text: 'ok' })).status).toBe(409);
    });

    test('POST /api/answers: an answered question and one that opens a ticket', async () => {
      await web.app.kb.ingest(DEMO_KB);
      const ask = (messageId: string, question: string) =>
        http<{ answered: boolean }>(web.base, 'POST', '/api/answers', { json: { messageId, question, customer: { id: 'u1' } } });

      const answered = [await ask('q1', `退款多久到账${LONE}`), await ask('q1', `退款多久到账${LONE}`)];
      expect(answered.map((r) => [r.status, r.body.answered])).toEqual([
        [200, true],
        [200, true],
      ]);
      const filed = [await ask('q2', `我的包裹被放在了错误的地址${LONE}`), await ask('q2', `我的包裹被放在了错误的地址${LONE}`)];
      expect(filed.map((r) => [r.status, r.body.answered])).toEqual([
        [201, false],
        [201, false],
      ]);
      expect(await web.app.deps.tickets.countTickets({})).toBe(1);
    });

    test('agent notes, replies and new tickets retried with their messageId', async () => {
      expect((await postMessage(web.base, intakeBody())).status).toBe(201);
      const agent = lin();
      expect((await agent.act('T-000001', 'claim')).status).toBe(200);
      for (const kind of ['note', 'reply']) {
        const body = { text: `${kind} ${LONE}`, messageId: `${kind}-${LONE}` };
        const results = [await agent.act('T-000001', kind, body), await agent.act('T-000001', kind, body)];
        expect(
          results.map((r) => r.status),
          kind,
        ).toEqual([200, 200]);
      }
      const created = [
        await agent.command(`new 顾客来电 ${LONE}`, { messageId: `c-${LONE}` }),
        await agent.command(`new 顾客来电 ${LONE}`, { messageId: `c-${LONE}` }),
      ];
      expect(created.map((r) => r.status)).toEqual([200, 200]);
      expect(created[1]?.body.ticket?.number).toBe(created[0]?.body.ticket?.number);

      const bodies = (await db().message.findMany({ orderBy: { id: 'asc' } })).map((m) => m.body);
      expect(bodies.slice(1)).toEqual(['note \ufffd', 'reply \ufffd', '顾客来电 \ufffd']);
    });
  });
});

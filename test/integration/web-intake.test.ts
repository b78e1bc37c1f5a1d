import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Actor, PRIORITIES } from '../../core/tickets/types.js';
import { PROVIDERS } from '../helpers/databases.js';
import { type CustomerView, type ErrorBody, http, intakeBody, lookupPath, postMessage, startWebApp, type WebApp } from '../helpers/web.js';

/*
 * The public side of the web channel over a real socket: intake (POST /api/messages), the customer
 * lookup (GET /api/tickets/:number), the contact page, health and metrics.
 */

const _LIN: Actor = { role: 'agent', agentId: 'lin', name: '林晓雨', platform: 'api' };

const PHONE = '13812345678';
const EMAIL = 'wang.fang@example.com';
// The title is the first line: it carries the phone number; the e-mail address is on the second line.
const TEXT = `我上周买的外套收到时袖子有破洞，想退货退款。电话${PHONE}\n邮箱 ${EMAIL}，周末也可以联系`;

const fullBody = () =>
  intakeBody({
    messageId: 'web-msg-1',
    text: TEXT,
    customer: { id: 'cust-42', name: '王芳', phone: PHONE, email: EMAIL },
    orderId: 'SO-20261123001',
    channel: 'web',
  });

describe.each(PROVIDERS)('web intake and customer pages ($name)', (provider) => {
  let web: WebApp;

  beforeEach(async () => {
    web = await startWebApp(await provider.fresh());
  });
  afterEach(async () => {
    await web.close();
  });

  /** Nothing at all was stored: no ticket, customer, message or event. */
  async function expectNothingWritten() {
    const db = web.app.database.db;
    expect(await web.app.deps.tickets.countTickets({})).toBe(0);
    expect(await db.customer.count()).toBe(0);
    expect(await db.customerIdentity.count()).toBe(0);
    expect(await db.message.count()).toBe(0);
    expect(await db.ticketEvent.count()).toBe(0);
  }

  describe('POST /api/messages', () => {
    test('creates a triaged ticket with its customer, order number, one public message and one create event', async () => {
      const res = await postMessage(web.base, fullBody());

      expect(res.status).toBe(201);
      const view = res.body.ticket;
      expect(Object.keys(view).sort()).toEqual(['accessKey', 'category', 'createdAt', 'number', 'priority', 'status', 'title']);
      expect(view.accessKey).toMatch(/^[a-z2-9]{16}$/);
      expect(view.number).toBe('T-000001');
      expect(view.status).toBe('new');
      const category = web.app.config.categories.find((c) => c.id === view.category);
      expect(category, `category ${view.category} is configured`).toBeDefined();
      expect(PRIORITIES).toContain(view.priority);
      expect(Number.isNaN(Date.parse(view.createdAt))).toBe(false);
      // The title is the first line of the text, with personal data masked.
      expect(view.title).toBe('我上周买的外套收到时袖子有破洞，想退货退款。电话138****5678');
      expect(res.text).not.toContain(PHONE);
      expect(res.text).not.toContain(EMAIL);

      const ticket = await web.app.deps.tickets.findTicket(1);
      expect(ticket).toMatchObject({
        number: 'T-000001',
        status: 'new',
        channel: 'web',
        language: 'zh',
        category: view.category,
        priority: view.priority,
        teamId: category?.team ?? web.app.config.defaultTeam,
        assigneeId: null,
        description: TEXT,
        orderNumbers: ['SO-20261123001'],
      });

      const db = web.app.database.db;
      const customers = await db.customer.findMany({ include: { identities: true } });
      expect(customers).toHaveLength(1);
      expect(customers[0]).toMatchObject({ id: ticket?.customerId, name: '王芳', phone: PHONE, email: EMAIL });
      expect(customers[0]?.identities).toMatchObject([{ platform: 'web', platformUserId: 'cust-42' }]);

      const messages = await web.app.deps.tickets.listMessages(1, { includeInternal: true });
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ visibility: 'public', authorKind: 'customer', platform: 'web', platformMessageId: 'cust-42:web-msg-1', body: TEXT });

      const events = await web.app.deps.tickets.listEvents(1);
      expect(events.map((e) => e.action)).toEqual(['create']);
      expect(events[0]).toMatchObject({
        actorRole: 'customer',
        platform: 'web',
        before: null,
        after: { status: 'new', category: view.category, priority: view.priority, teamId: ticket?.teamId },
      });
    });

    test('numbers tickets in order, keeps the channel, defaults it to web and stores attachments', async () => {
      const first = await postMessage(web.base, intakeBody({ messageId: 'a', channel: 'email' }));
      const { channel: _omitted, ...noChannel } = intakeBody({ messageId: 'b', customer: { id: 'cust-2' } });
      const second = await postMessage(web.base, {
        ...noChannel,
        attachments: [{ url: 'https://cdn.example.com/photo.jpg', name: 'photo.jpg', contentType: 'image/jpeg' }],
      });

      expect([first.status, second.status]).toEqual([201, 201]);
      expect([first.body.ticket.number, second.body.ticket.number]).toEqual(['T-000001', 'T-000002']);
      expect((await web.app.deps.tickets.findTicket(1))?.channel).toBe('email');
      expect((await web.app.deps.tickets.findTicket(2))?.channel).toBe('web');
      const attachments = await web.app.database.db.attachment.findMany();
      expect(attachments).toMatchObject([{ ticketId: 2, url: 'https://cdn.example.com/photo.jpg', name: 'photo.jpg', contentType: 'image/jpeg' }]);
    });

    test('a returning customer (same customer.id) keeps one customer record, with updated details', async () => {
      await postMessage(web.base, intakeBody({ messageId: 'a', customer: { id: 'cust-7', name: '王芳' } }));
      const again = await postMessage(web.base, intakeBody({ messageId: 'b', text: '发票什么时候开？', customer: { id: 'cust-7', email: EMAIL } }));

      expect(again.status).toBe(201);
      expect(again.body.ticket.number).toBe('T-000002');
      const customers = await web.app.database.db.customer.findMany();
      expect(customers).toHaveLength(1);
      expect(customers[0]).toMatchObject({ name: '王芳', email: EMAIL });
      const [t1, t2] = [await web.app.deps.tickets.findTicket(1), await web.app.deps.tickets.findTicket(2)];
      expect(t2?.customerId).toBe(t1?.customerId);
    });

    test('the same messageId again answers 200 with the same ticket and writes nothing more', async () => {
      const first = await postMessage(web.base, fullBody());
      // A retry: the same text, give or take surrounding blanks.
      const again = await postMessage(web.base, { ...fullBody(), text: `  ${TEXT}\n` });

      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.body.ticket).toEqual(first.body.ticket);
      expect(await web.app.deps.tickets.countTickets({})).toBe(1);
      expect(await web.app.database.db.message.count()).toBe(1);
      expect(await web.app.database.db.customer.count()).toBe(1);
      expect((await web.app.deps.tickets.listEvents(1)).map((e) => e.action)).toEqual(['create']);
    });

    test('the same ids with a different text are a conflict: 409, and neither the ticket nor its access key is shown', async () => {
      const first = await postMessage(web.base, fullBody());
      // Someone who guessed the customer's and the message's ids.
      const guess = await postMessage(web.base, { ...fullBody(), text: 'x' });

      expect(first.status).toBe(201);
      expect(guess.status).toBe(409);
      expect(guess.body.ticket).toBeUndefined();
      expect(guess.text).not.toContain(first.body.ticket.accessKey);
      expect(guess.text).not.toContain(first.body.ticket.number);
      expect(guess.body.error?.message).toMatch(/已用于另一条内容不同的消息/);
      expect(await web.app.database.db.message.count()).toBe(1);
    });

    test("a sender who is an agent's web identity gets its ticket back on a retry, not a conflict", async () => {
      await web.close();
      web = await startWebApp(await provider.fresh(), {
        configure: (raw) => {
          const lin = (raw.agents as { id: string; identities?: unknown[] }[]).find((a) => a.id === 'lin');
          if (lin) lin.identities = [...(lin.identities ?? []), { platform: 'web', userId: 'web-lin' }];
        },
      });
      const body = intakeBody({ customer: { id: 'web-lin' }, messageId: 'staff-1', text: '帮客户登记：外套破洞' });
      const first = await postMessage(web.base, body);
      const again = await postMessage(web.base, body);
      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body.ticket.accessKey).toBe(first.body.ticket.accessKey);
      const [message] = await web.app.database.db.message.findMany();
      expect(message).toMatchObject({ authorKind: 'agent', authorId: 'lin' });
    });

    test('sender and message ids are kept apart: no pair collides with another or with the ids the bot makes', async () => {
      const a = await postMessage(web.base, intakeBody({ customer: { id: 'a:b' }, messageId: 'c', text: '第一条' }));
      const b = await postMessage(web.base, intakeBody({ customer: { id: 'a' }, messageId: 'b:c', text: '第二条' }));
      // The form of the id the "did not help" feedback files its ticket under.
      const c = await postMessage(web.base, intakeBody({ customer: { id: '#auto-answer' }, messageId: '1', text: '第三条' }));
      expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
      expect(new Set([a, b, c].map((r) => r.body.ticket.number)).size).toBe(3);
      const ids = (await web.app.database.db.message.findMany({ orderBy: { id: 'asc' } })).map((m) => m.platformMessageId);
      expect(ids).toEqual(['a%3Ab:c', 'a:b%3Ac', '%23auto-answer:1']);
    });

    test('sender and message ids of 200 characters each are accepted, and a retry finds the same ticket', async () => {
      const body = intakeBody({ customer: { id: '客'.repeat(200) }, messageId: 'm'.repeat(200), text: '很长的编号' });
      const first = await postMessage(web.base, body);
      const again = await postMessage(web.base, body);
      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body.ticket.number).toBe(first.body.ticket.number);
      const [message] = await web.app.database.db.message.findMany();
      expect(message?.platformMessageId).toMatch(/^#h:[0-9a-f]{64}$/);
    });

    test('20 concurrent repeats of a known message all answer 200 with the same number', async () => {
      const first = await postMessage(web.base, fullBody());
      expect(first.status).toBe(201);

      const repeats = await Promise.all(Array.from({ length: 20 }, () => postMessage(web.base, fullBody())));

      expect(repeats.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(repeats.map((r) => r.body.ticket.number))).toEqual(new Set(['T-000001']));
      expect(await web.app.deps.tickets.countTickets({})).toBe(1);
      expect(await web.app.database.db.message.count()).toBe(1);
      expect(await web.app.database.db.ticketEvent.count()).toBe(1);
    });

    test('20 concurrent first deliveries of one message create exactly one ticket (one 201, nineteen 200)', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => postMessage(web.base, fullBody())));

      expect(results.map((r) => r.status).sort((a, b) => a - b)).toEqual([...Array(19).fill(200), 201]);
      expect(new Set(results.map((r) => r.body.ticket?.number))).toEqual(new Set(['T-000001']));
      expect(await web.app.deps.tickets.countTickets({})).toBe(1);
      expect(await web.app.database.db.message.count()).toBe(1);
      expect(await web.app.database.db.customer.count()).toBe(1);
      expect(await web.app.database.db.customerIdentity.count()).toBe(1);
      expect(await web.app.database.db.ticketEvent.count()).toBe(1);
    });

    const INVALID: { name: string; body: Record<string, unknown>; fields: string[] }[] = [
      { name: 'missing text', body: intakeBody({ text: undefined }), fields: ['text'] },
      { name: 'blank text', body: intakeBody({ text: '   \n ' }), fields: ['text'] },
      { name: 'text over 20000 characters', body: intakeBody({ text: '退'.repeat(20_001) }), fields: ['text'] },
      { name: 'missing messageId', body: intakeBody({ messageId: undefined }), fields: ['messageId'] },
      { name: 'missing customer', body: intakeBody({ customer: undefined }), fields: ['customer'] },
      { name: 'empty customer.id', body: intakeBody({ customer: { id: '' } }), fields: ['customer.id'] },
      { name: 'blank customer.id', body: intakeBody({ customer: { id: '   ' } }), fields: ['customer.id'] },
      { name: 'bad email', body: intakeBody({ customer: { id: 'c', email: 'not-an-email' } }), fields: ['customer.email'] },
      { name: 'bad phone', body: intakeBody({ customer: { id: 'c', phone: 'call me maybe' } }), fields: ['customer.phone'] },
      // Regression: the phone check took any 5 to 20 digits, blanks and hyphens, with no digit among them too.
      { name: 'a phone of hyphens only', body: intakeBody({ customer: { id: 'c', phone: '-----' } }), fields: ['customer.phone'] },
      { name: 'a phone of blanks and hyphens after a +', body: intakeBody({ customer: { id: 'c', phone: '+ - - - -' } }), fields: ['customer.phone'] },
      { name: 'a phone of four digits', body: intakeBody({ customer: { id: 'c', phone: '12-34--' } }), fields: ['customer.phone'] },
      { name: 'a phone starting with a hyphen', body: intakeBody({ customer: { id: 'c', phone: '-13812345678' } }), fields: ['customer.phone'] },
      { name: 'bad channel', body: intakeBody({ channel: 'fax' }), fields: ['channel'] },
      { name: 'empty orderId', body: intakeBody({ orderId: '' }), fields: ['orderId'] },
      { name: 'attachment without a URL', body: intakeBody({ attachments: [{ url: 'not a url' }] }), fields: ['attachments.0.url'] },
      { name: 'a javascript: attachment', body: intakeBody({ attachments: [{ url: 'javascript:alert(1)' }] }), fields: ['attachments.0.url'] },
      { name: 'a data: attachment', body: intakeBody({ attachments: [{ url: 'data:text/html,<script>x</script>' }] }), fields: ['attachments.0.url'] },
      {
        name: 'everything wrong at once',
        body: { messageId: '', customer: { id: '', email: 'x@', phone: 'abc' }, channel: 'fax' },
        fields: ['messageId', 'text', 'customer.id', 'customer.email', 'customer.phone', 'channel'],
      },
      { name: 'a JSON array', body: [] as unknown as Record<string, unknown>, fields: ['(body)'] },
    ];

    test.each(INVALID)('400 naming each bad field, nothing written: $name', async ({ body, fields }) => {
      const res = await postMessage(web.base, body);

      expect(res.status).toBe(400);
      const error = (res.body as ErrorBody).error;
      expect(error.code).toBe('INVALID_INPUT');
      expect(Object.keys(error.fields ?? {}).sort()).toEqual([...fields].sort());
      for (const field of fields) expect(error.fields?.[field], field).toMatch(/\S/);
      await expectNothingWritten();
    });

    test.each(['+86 138-1234-5678', '+ 86 138 1234 5678', '010-12345678', '138 1234 5678', '12345'])('the phone %j is taken', async (phone) => {
      const res = await postMessage(web.base, intakeBody({ customer: { id: 'c', phone } }));

      expect(res.status).toBe(201);
      expect((await web.app.database.db.customer.findFirst())?.phone).toBe(phone);
    });

    test('a body that is not JSON, an empty JSON body, plain text and a form are refused; nothing written', async () => {
      const path = '/api/messages';
      const broken = await http<ErrorBody>(web.base, 'POST', path, { raw: '{"messageId": "m1", "text": ', headers: { 'content-type': 'application/json' } });
      const empty = await http<ErrorBody>(web.base, 'POST', path, { raw: '', headers: { 'content-type': 'application/json' } });
      const plain = await http<ErrorBody>(web.base, 'POST', path, { raw: JSON.stringify(intakeBody()), headers: { 'content-type': 'text/plain' } });
      const form = await http<ErrorBody>(web.base, 'POST', path, {
        raw: 'messageId=m1&text=hello&customer.id=c1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const none = await http<ErrorBody>(web.base, 'POST', path);

      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('FST_ERR_CTP_INVALID_JSON_BODY');
      expect(broken.body.error.message).toMatch(/JSON/);
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe('FST_ERR_CTP_EMPTY_JSON_BODY');
      // text/plain is read as a string, which is not an intake object.
      expect(plain.status).toBe(400);
      expect(plain.body.error).toMatchObject({ code: 'INVALID_INPUT', fields: { '(body)': expect.any(String) } });
      // No form parser is registered: 415 Unsupported Media Type.
      expect(form.status).toBe(415);
      expect(form.body.error.code).toBe('FST_ERR_CTP_INVALID_MEDIA_TYPE');
      expect(none.status).toBe(400);
      expect(none.body.error).toMatchObject({ code: 'INVALID_INPUT', fields: { '(body)': expect.any(String) } });
      await expectNothingWritten();
    });

    test('a body over the 1 MiB limit is refused with 413; nothing written', async () => {
      const res = await postMessage(web.base, intakeBody({ text: 'x'.repeat(1024 * 1024 + 10) }));

      expect(res.status).toBe(413);
      expect((res.body as ErrorBody).error.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
      await expectNothingWritten();
    });

    // Regression: `orderId` as typed and the upper-cased number found in the text used to be linked twice.
    test('an orderId that also appears in the text in another case is linked once', async () => {
      await postMessage(web.base, intakeBody({ text: '订单 so-123456 还没发货', orderId: 'so-123456' }));

      const ticket = await web.app.deps.tickets.findTicket(1);
      expect(ticket?.orderNumbers).toHaveLength(1);
    });
  });

  // Regression: the title used to be cut to 60 characters before masking, and a cut e-mail or phone number
  // no longer matched the masking patterns (with the masked body, the cut title gave the whole number away).
  describe('personal data cut by the 60-character title is still masked', () => {
    test('an e-mail address cut at the end of the title', async () => {
      await postMessage(web.base, intakeBody({ text: `${'请'.repeat(41)}${EMAIL}` }));

      const view = await http<{ ticket: CustomerView }>(web.base, 'GET', await lookupPath(web.app, 'T-000001'));
      expect(view.body.ticket.title).not.toContain('wang.fang@');
    });

    test('a phone number cut at the end of the title', async () => {
      const created = await postMessage(web.base, intakeBody({ text: `${'请'.repeat(52)}${PHONE}` }));

      expect(created.body.ticket.title).not.toContain('1381234');
    });
  });
});

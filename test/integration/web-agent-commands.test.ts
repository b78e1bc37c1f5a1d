import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TicketEventRecord } from '../../core/tickets/types.js';
import { PROVIDERS } from '../helpers/databases.js';
import { agentClient, intakeBody, postMessage, startWebApp, type WebApp } from '../helpers/web.js';

/*
 * The shared command grammar over HTTP (POST /api/agent/commands), as the agent API serves it.
 */

const SEED = [
  { messageId: 'seed-1', text: '我买的外套有破洞，想退货退款', customer: { id: 'cust-1', name: '王芳' } },
  { messageId: 'seed-2', text: 'Where is my parcel? The tracking has not moved for a week.', customer: { id: 'cust-2', name: 'Alex' } },
  { messageId: 'seed-3', text: '衣服尺码偏小，想换大一号', customer: { id: 'cust-3', name: '李雷' } },
];

describe.each(PROVIDERS)('agent commands over HTTP ($name)', (provider) => {
  let web: WebApp;

  beforeEach(async () => {
    web = await startWebApp(await provider.fresh());
    for (const seed of SEED) expect((await postMessage(web.base, intakeBody(seed))).status).toBe(201);
  });
  afterEach(async () => {
    await web.close();
  });

  const as = (agentId: string, lang?: string) => agentClient(web.base, agentId, lang ? { lang } : {});
  const events = (id: number): Promise<TicketEventRecord[]> => web.app.deps.tickets.listEvents(id);
  const actions = async (id: number) => (await events(id)).map((e) => e.action);

  describe('POST /api/agent/commands', () => {
    test('认领 T-000003 replies in Chinese and claims the ticket', async () => {
      const res = await as('lin', 'zh-CN').command('认领 T-000003');

      expect(res.status).toBe(200);
      expect(res.body.text).toBe('您已认领工单 T-000003。');
      expect(res.body.ticket).toMatchObject({ number: 'T-000003', status: 'assigned', assigneeId: 'lin' });
      expect(await actions(3)).toEqual(['create', 'claim']);

      // A second agent is refused, and told who has it.
      const late = await as('zhou', 'zh').command('认领 T-000003');
      expect(late.status).toBe(409);
      expect(late.body.error).toMatchObject({ code: 'TICKET_ALREADY_CLAIMED', message: '工单 T-000003 已被 lin 认领。' });
    });

    test('list mine replies in English (the language of the command) with the agent’s open tickets', async () => {
      await as('lin').command('认领 T-000003');
      await as('zhou').act('T-000002', 'claim');

      const res = await as('lin', 'zh').command('list mine');

      expect(res.status).toBe(200);
      const ticket = await web.app.deps.tickets.findTicket(3);
      expect(res.body.text).toBe(`1 ticket(s):\nT-000003 [${ticket?.priority}] assigned · lin · ${SEED[2]?.text}`);
      expect(res.body.tickets?.map((t) => t.number)).toEqual(['T-000003']);

      const empty = await as('wang').command('list mine');
      expect(empty.body.text).toBe('No tickets match.');
    });

    test('other verbs: note, status with a ticket in the body, new, help', async () => {
      const note = await as('lin').command('note T-000001 客户很着急，优先处理');
      expect(note.status).toBe(200);
      expect(note.body.text).toBe('Internal note added to ticket T-000001.');
      const stored = await web.app.deps.tickets.listMessages(1, { includeInternal: true });
      expect(stored.map((m) => [m.visibility, m.body])).toContainEqual(['internal', '客户很着急，优先处理']);

      const status = await as('lin').command('status', { ticket: 'T-000002' });
      expect(status.status).toBe(200);
      expect(status.body.text).toMatch(/^Ticket T-000002 "Where is my parcel\?/);
      expect(status.body.text).toContain('Status: new');
      expect(status.body.text).toContain('Assignee: unassigned');

      const created = await as('lin').command('新建 客户来电：收到的杯子是碎的');
      expect(created.status).toBe(200);
      expect(created.body.text).toBe('已创建工单 T-000004：客户来电：收到的杯子是碎的');
      expect(created.body.ticket).toMatchObject({ number: 'T-000004', status: 'new', channel: 'api' });

      const help = await as('lin').command('帮助');
      expect(help.status).toBe(200);
      expect(help.body.text.split('\n')[0]).toBe('工单命令：');
      expect(help.body.text).toContain('• 认领 [工单号] — 认领工单');
    });

    test('an unknown command is 400 INVALID_COMMAND with the usage, in the language typed', async () => {
      const en = await as('lin', 'zh').command('frobnicate');
      expect(en.status).toBe(400);
      expect(en.body.error?.code).toBe('INVALID_COMMAND');
      const lines = en.body.error?.message.split('\n') ?? [];
      expect(lines[0]).toBe('There is no "frobnicate" command.');
      expect(lines).toContain('Ticket commands:');
      expect(lines).toContain('• claim [ticket] — take a ticket');
      expect(lines).toContain('• list [mine|open|team|breaching] — list tickets');

      const zh = await as('lin', 'en').command('乱七八糟');
      expect(zh.status).toBe(400);
      expect(zh.body.error?.message.split('\n')[0]).toBe('没有「乱七八糟」这个命令。');
      expect(zh.body.error?.message).toContain('认领 [工单号] — 认领工单');

      const malformed = await as('lin').command('claim T-000001 right now');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error?.code).toBe('INVALID_COMMAND');
      expect(malformed.body.error?.message).toContain('Usage of "claim": claim [ticket] — take a ticket');

      const blank = await as('lin').command('   ');
      expect(blank.status).toBe(400);
      expect(blank.body.error).toMatchObject({ code: 'INVALID_INPUT', fields: { text: expect.any(String) } });

      // Nothing ran.
      for (const id of [1, 2, 3]) expect(await actions(id)).toEqual(['create']);
    });

    test('new with a messageId: a retry gets its ticket back, and nothing more is written', async () => {
      const first = await as('lin', 'zh').command('new 顾客投诉A', { messageId: '1' });
      const again = await as('lin', 'zh').command('  new 顾客投诉A ', { messageId: '1' });

      expect([first.status, again.status]).toEqual([200, 200]);
      expect(first.body.ticket?.number).toBe('T-000004');
      expect(again.body.ticket?.number).toBe('T-000004');
      expect(await web.app.deps.tickets.countTickets({})).toBe(4);
      expect(await actions(4)).toEqual(['create']);
    });

    // Regression: the messageId was stored as given, and every agent calls with the one bearer token, so
    // zhou's "new" under lin's messageId answered "created T-000004" (lin's ticket) and filed nothing.
    test("new with another agent's messageId files that agent's own ticket", async () => {
      const lin = await as('lin').command('new 顾客投诉A', { messageId: '1' });
      const zhou = await as('zhou').command('new 另一个问题B', { messageId: '1' });

      expect([lin.status, zhou.status]).toEqual([200, 200]);
      expect(lin.body.ticket?.number).toBe('T-000004');
      expect(zhou.body.ticket?.number).toBe('T-000005');
      expect(zhou.body.text).toBe('Created ticket T-000005: 另一个问题B');
      expect((await web.app.deps.tickets.findTicket(5))?.description).toBe('另一个问题B');
    });

    test('new with a messageId used before for another text is 409 in the language typed, and files nothing', async () => {
      expect((await as('lin').command('new 顾客投诉A', { messageId: '1' })).status).toBe(200);

      const reused = await as('lin', 'en').command('新建 另一个问题B', { messageId: '1' });

      expect(reused.status).toBe(409);
      expect(reused.body.ticket).toBeUndefined();
      expect(reused.body.error).toMatchObject({ code: 'TICKET_CONFLICT', message: '这个消息编号已用于另一条内容不同的消息。请为新消息使用新的编号。' });
      expect(await web.app.deps.tickets.countTickets({})).toBe(4);
    });

    test('new without a messageId files a ticket each time', async () => {
      const results = [await as('lin').command('new 顾客来电'), await as('lin').command('new 顾客来电')];

      expect(results.map((r) => r.body.ticket?.number)).toEqual(['T-000004', 'T-000005']);
    });

    // Regression: the problem line already quotes the verb's usage; the route used to append it again.
    test('a malformed command shows its usage line once', async () => {
      const res = await as('lin').command('claim T-000001 right now');

      const lines = res.body.error?.message.split('\n') ?? [];
      expect(lines.filter((l) => l.includes('claim [ticket] — take a ticket'))).toHaveLength(1);
    });
  });
});

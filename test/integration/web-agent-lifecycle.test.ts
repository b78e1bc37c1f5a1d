import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TicketEventRecord } from '../../core/tickets/types.js';
import { PROVIDERS } from '../helpers/databases.js';
import { agentClient, type CustomerView, http, intakeBody, lookupPath, postMessage, startWebApp, type WebApp } from '../helpers/web.js';

/*
 * The agent API over a real socket: bearer token + X-Agent-Id, the ticket actions, the ticket detail
 * with its event log, and the shared command grammar.
 */

const SEED = [
  { messageId: 'seed-1', text: '我买的外套有破洞，想退货退款', customer: { id: 'cust-1', name: '王芳' } },
  { messageId: 'seed-2', text: 'Where is my parcel? The tracking has not moved for a week.', customer: { id: 'cust-2', name: 'Alex' } },
  { messageId: 'seed-3', text: '衣服尺码偏小，想换大一号', customer: { id: 'cust-3', name: '李雷' } },
];

describe.each(PROVIDERS)('the ticket lifecycle through the agent API ($name)', (provider) => {
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

  describe('the ticket lifecycle through the API', () => {
    test('a reply or note retried with its messageId is added once; without one, each call adds a message', async () => {
      const lin = as('lin');
      expect((await lin.act('T-000001', 'claim')).status).toBe(200);
      const reply = { text: '您好，已为您登记退货。', messageId: 'crm-reply-1' };
      const first = await lin.act('T-000001', 'reply', reply);
      const retried = await lin.act('T-000001', 'reply', reply);
      expect([first.status, retried.status]).toEqual([200, 200]);
      expect(retried.body.ticket.version).toBe(first.body.ticket.version);
      const note = { text: '客户要求周末上门', messageId: 'crm-note-1' };
      expect((await lin.act('T-000001', 'note', note)).status).toBe(200);
      expect((await lin.act('T-000001', 'note', note)).status).toBe(200);
      // Another agent's equal messageId is a different message, and so is the same id on a reply or on another ticket.
      expect((await as('li').act('T-000001', 'note', note)).status).toBe(200);
      expect((await lin.act('T-000001', 'reply', { text: '周末上门可以', messageId: 'crm-note-1' })).status).toBe(200);
      expect((await as('li').act('T-000002', 'note', note)).status).toBe(200);
      // The same id with another text is a conflict, and adds nothing.
      const clash = await lin.act('T-000001', 'note', { text: '别的内容', messageId: 'crm-note-1' });
      expect(clash.status).toBe(409);
      await lin.act('T-000001', 'note', { text: '无编号' });
      await lin.act('T-000001', 'note', { text: '无编号' });
      const bodies = (await web.app.deps.tickets.listMessages(1, { includeInternal: true })).map((m) => m.body);
      expect(bodies).toEqual([SEED[0]?.text, reply.text, note.text, note.text, '周末上门可以', '无编号', '无编号']);
      // The customer got the reply once.
      expect(await actions(1)).toEqual(['create', 'claim', 'start', 'note', 'note', 'note', 'note']);
      expect((await web.app.deps.tickets.listMessages(2, { includeInternal: true })).map((m) => m.body)).toContain(note.text);
    });

    test('claim → reply → note → pending → resolve → close → reopen → transfer → assign → category → priority → merge, one event each', async () => {
      const lin = as('lin');
      const start = await web.app.deps.tickets.findTicket(1);
      expect(start?.teamId).not.toBe('logistics');

      expect((await lin.act('T-000001', 'claim')).body.ticket).toMatchObject({ status: 'assigned', assigneeId: 'lin' });

      // A public reply is the first response and starts the work.
      const reply = await lin.act('T-000001', 'reply', { text: '您好，已为您登记退货，快递员明天上门取件。' });
      expect(reply.status).toBe(200);
      expect(reply.body.ticket).toMatchObject({ status: 'in_progress', firstResponseAt: expect.any(String) });

      // An internal note changes nothing about the ticket.
      const note = await lin.act('T-000001', 'note', { text: '内部：仓库确认可退，无需质检' });
      expect(note.status).toBe(200);
      expect(note.body.ticket).toMatchObject({ status: 'in_progress', version: reply.body.ticket.version + 1 });

      const pending = await lin.act('T-000001', 'pending');
      expect(pending.body.ticket).toMatchObject({ status: 'pending_customer', pendingSince: expect.any(String) });

      const resolved = await lin.act('T-000001', 'resolve', { note: '退款已原路退回' });
      expect(resolved.body.ticket).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String), pendingSince: null });

      const closed = await lin.act('T-000001', 'close', { reason: '客户确认收到退款' });
      expect(closed.body.ticket).toMatchObject({ status: 'closed', closeReason: '客户确认收到退款', closedAt: expect.any(String) });

      const reopened = await lin.act('T-000001', 'reopen', { reason: '客户说退款金额不对' });
      expect(reopened.body.ticket).toMatchObject({
        status: 'assigned',
        assigneeId: 'lin',
        reboundCount: 1,
        closedAt: null,
        resolvedAt: null,
        closeReason: null,
      });

      const transferred = await lin.act('T-000001', 'transfer', { team: 'logistics', note: '取件物流异常，转物流组跟进' });
      expect(transferred.status).toBe(200);
      expect(transferred.body.ticket).toMatchObject({ status: 'new', teamId: 'logistics', assigneeId: null, assignedAt: null });

      const assigned = await as('li').act('T-000001', 'assign', { agent: 'zhou' });
      expect(assigned.status).toBe(200);
      expect(assigned.body.ticket).toMatchObject({ status: 'assigned', assigneeId: 'zhou' });

      const zhou = as('zhou');
      expect((await zhou.act('T-000001', 'category', { category: 'shipping_logistics' })).body.ticket.category).toBe('shipping_logistics');
      expect((await zhou.act('T-000001', 'priority', { priority: 'P1' })).body.ticket.priority).toBe('P1');

      const merged = await zhou.act('T-000001', 'merge', { into: 'T-000002' });
      expect(merged.status).toBe(200);
      expect(merged.body.ticket).toMatchObject({ status: 'closed', duplicateOfId: 2, closeReason: 'duplicate' });

      // The staff view: every message, internal ones included, and the event log.
      const detail = await lin.ticket('T-000001');
      expect(detail.status).toBe(200);
      const messages = detail.body.ticket.messages ?? [];
      expect(messages.map((m) => [m.visibility, m.authorKind, m.authorId, m.body])).toEqual([
        ['public', 'customer', 'cust-1', SEED[0]?.text],
        ['public', 'agent', 'lin', '您好，已为您登记退货，快递员明天上门取件。'],
        ['internal', 'agent', 'lin', '内部：仓库确认可退，无需质检'],
        ['internal', 'agent', 'lin', '取件物流异常，转物流组跟进'],
      ]);
      const log = detail.body.ticket.events ?? [];
      expect(log.map((e) => [e.action, e.actorId])).toEqual([
        ['create', 'customer:1'],
        ['claim', 'lin'],
        ['start', 'lin'],
        ['note', 'lin'],
        ['pend', 'lin'],
        ['resolve', 'lin'],
        ['close', 'lin'],
        ['reopen', 'lin'],
        ['transfer', 'lin'],
        ['assign', 'li'],
        ['set_category', 'zhou'],
        ['set_priority', 'zhou'],
        ['merge', 'zhou'],
      ]);
      const byAction = (action: string) => log.find((e) => e.action === action);
      expect(byAction('create')).toMatchObject({ actorRole: 'customer', platform: 'web' });
      expect(byAction('claim')).toMatchObject({
        actorRole: 'agent',
        platform: 'api',
        before: { status: 'new', assigneeId: null },
        after: { status: 'assigned', assigneeId: 'lin' },
      });
      expect(byAction('resolve')).toMatchObject({ note: '退款已原路退回', after: { status: 'resolved' } });
      expect(byAction('close')).toMatchObject({ note: '客户确认收到退款', after: { status: 'closed', closeReason: '客户确认收到退款' } });
      expect(byAction('reopen')).toMatchObject({ note: '客户说退款金额不对', before: { reboundCount: 0 }, after: { reboundCount: 1, status: 'assigned' } });
      expect(byAction('transfer')).toMatchObject({
        before: { teamId: start?.teamId, assigneeId: 'lin' },
        after: { status: 'new', teamId: 'logistics', assigneeId: null },
      });
      expect(byAction('assign')).toMatchObject({ actorRole: 'supervisor', after: { status: 'assigned', assigneeId: 'zhou' } });
      expect(byAction('set_category')?.after).toEqual({ category: 'shipping_logistics' });
      expect(byAction('set_priority')?.after).toEqual({ priority: 'P1' });
      expect(byAction('merge')).toMatchObject({ note: 'merged into T-000002', after: { status: 'closed', duplicateOfId: 2, closeReason: 'duplicate' } });

      // The merge target got a note and a 'merged_in' event about the duplicate, and no state change.
      const target = await lin.ticket('T-000002');
      expect(target.body.ticket).toMatchObject({ status: 'new', duplicateOfId: null });
      expect((target.body.ticket.messages ?? []).filter((m) => m.visibility === 'internal').map((m) => m.body)).toEqual(['T-000001 → T-000002 (duplicate)']);
      expect(await actions(2)).toEqual(['create', 'merged_in']);

      // The customer sees the two public messages and the final status (merged into T-000002), never the notes.
      const customer = await http<{ ticket: CustomerView }>(web.base, 'GET', await lookupPath(web.app, 'T-000001'));
      expect(customer.body.ticket).toMatchObject({ status: 'closed', statusText: '已合并到 T-000002' });
      expect(customer.body.ticket.messages.map((m) => m.author)).toEqual(['customer', 'support']);
      expect(customer.text).not.toContain('内部');
      expect(customer.text).not.toContain('转物流组');
    });

    test('refused actions: 409 for the wrong status with a message in either language, 403 for the wrong agent; nothing written', async () => {
      const lin = as('lin');
      const linEn = as('lin', 'en');

      const resolveNew = await as('li').act('T-000002', 'resolve');
      expect(resolveNew.status).toBe(409);
      expect(resolveNew.body.error).toMatchObject({ code: 'TICKET_INVALID_TRANSITION', message: '工单 T-000002 当前状态为「新建」，不能执行「解决」。' });
      const resolveNewEn = await as('li', 'en').act('T-000002', 'resolve');
      expect(resolveNewEn.body.error?.message).toBe('Ticket T-000002 is new: "resolve" is not possible now.');

      const reopenNew = await linEn.act('T-000002', 'reopen');
      expect(reopenNew.status).toBe(409);
      expect(reopenNew.body.error).toMatchObject({ code: 'TICKET_INVALID_TRANSITION', message: 'Ticket T-000002 is new: "reopen" is not possible now.' });

      // An agent must claim before acting on an unowned ticket.
      const unclaimed = await linEn.act('T-000002', 'close');
      expect(unclaimed.status).toBe(403);
      expect(unclaimed.body.error).toMatchObject({ code: 'NOT_PERMITTED', message: 'Claim ticket T-000002 first, then use "close".' });

      await lin.act('T-000001', 'claim');
      const notOwner = await as('zhou', 'en').act('T-000001', 'resolve');
      expect(notOwner.status).toBe(403);
      expect(notOwner.body.error).toMatchObject({
        code: 'NOT_PERMITTED',
        message: 'Ticket T-000001 belongs to lin: only they or a supervisor can use "resolve" on it.',
      });

      await lin.act('T-000001', 'resolve');
      const pendResolved = await linEn.act('T-000001', 'pending');
      expect(pendResolved.status).toBe(409);
      expect(pendResolved.body.error).toMatchObject({
        code: 'TICKET_INVALID_TRANSITION',
        message: 'Ticket T-000001 is resolved: "pending" is not possible now.',
      });
      const pendResolvedZh = await lin.act('T-000001', 'pending');
      expect(pendResolvedZh.body.error?.message).toBe('工单 T-000001 当前状态为「已解决」，不能执行「设为待客户」。');
      const resolveTwice = await lin.act('T-000001', 'resolve');
      expect(resolveTwice.status).toBe(409);
      expect(resolveTwice.body.error?.message).toBe('工单 T-000001 当前状态为「已解决」，不能执行「解决」。');

      await lin.act('T-000001', 'close');
      const replyClosed = await linEn.act('T-000001', 'reply', { text: 'hello?' });
      expect(replyClosed.status).toBe(409);
      expect(replyClosed.body.error).toMatchObject({ code: 'TICKET_INVALID_TRANSITION', message: 'Ticket T-000001 is closed; no more messages can be added.' });
      const closeTwice = await lin.act('T-000001', 'close');
      expect(closeTwice.status).toBe(409);

      // Only the successful actions were logged; the refused reply stored no message.
      expect(await actions(1)).toEqual(['create', 'claim', 'resolve', 'close']);
      expect(await actions(2)).toEqual(['create']);
      expect(await web.app.deps.tickets.listMessages(1, { includeInternal: true })).toHaveLength(1);
    });

    test('merging: into itself is 400, into an unknown ticket 404, into a closed ticket 409; a merged ticket refuses further work', async () => {
      const li = as('li', 'en');

      const self = await li.act('T-000001', 'merge', { into: 'T-000001' });
      expect(self.status).toBe(400);
      expect(self.body.error).toMatchObject({ code: 'INVALID_INPUT', message: 'A ticket cannot be merged into itself.' });

      const unknown = await li.act('T-000001', 'merge', { into: 'T-000099' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({ code: 'TICKET_NOT_FOUND', message: 'Ticket T-000099 was not found.' });

      await li.act('T-000003', 'close');
      const intoClosed = await li.act('T-000001', 'merge', { into: 'T-000003' });
      expect(intoClosed.status).toBe(409);
      expect(intoClosed.body.error?.code).toBe('TICKET_INVALID_TRANSITION');

      expect((await li.act('T-000001', 'merge', { into: 'T-000002' })).status).toBe(200);
      const afterMerge = await li.act('T-000001', 'reopen');
      expect(afterMerge.status).toBe(409);
      expect(afterMerge.body.error).toMatchObject({
        code: 'TICKET_INVALID_TRANSITION',
        message: 'Ticket T-000001 was merged into T-000002; please work on T-000002.',
      });
      expect(await actions(1)).toEqual(['create', 'merge']);
    });

    test('bad targets and bodies: unknown team, agent or category are 400 with a message; bad fields are named; unknown tickets 404', async () => {
      const li = as('li', 'en');

      const team = await li.act('T-000001', 'transfer', { team: 'warehouse' });
      expect(team.status).toBe(400);
      expect(team.body.error).toMatchObject({ code: 'UNKNOWN_TEAM', message: 'No team called "warehouse". Teams: after-sales, logistics, finance, product' });
      const teamZh = await as('li').act('T-000001', 'transfer', { team: 'warehouse' });
      expect(teamZh.body.error?.message).toBe('找不到团队「warehouse」。可选：after-sales, logistics, finance, product');

      const agent = await li.act('T-000001', 'assign', { agent: 'nobody' });
      expect(agent.status).toBe(400);
      expect(agent.body.error).toMatchObject({ code: 'UNKNOWN_AGENT', message: 'No agent called "nobody".' });

      const category = await li.act('T-000001', 'category', { category: 'weather' });
      expect(category.status).toBe(400);
      expect(category.body.error).toMatchObject({ code: 'UNKNOWN_CATEGORY', message: 'No category called "weather".' });

      const fields = async (action: string, body?: unknown) => {
        const res = await li.act('T-000001', action, body);
        expect(res.status, action).toBe(400);
        expect(res.body.error?.code, action).toBe('INVALID_INPUT');
        return Object.keys(res.body.error?.fields ?? {});
      };
      expect(await fields('priority', { priority: 'P9' })).toEqual(['priority']);
      expect(await fields('reply', { text: '   ' })).toEqual(['text']);
      expect(await fields('note')).toEqual(['(body)']);
      expect(await fields('transfer', {})).toEqual(['team']);
      expect(await fields('assign', { agent: '' })).toEqual(['agent']);
      expect(await fields('frobnicate')).toEqual(['action']);

      for (const number of ['T-000099', 'nonsense']) {
        const res = await li.act(number, 'claim');
        expect(res.status, number).toBe(404);
        expect(res.body.error?.code, number).toBe('TICKET_NOT_FOUND');
        const detail = await li.ticket(number);
        expect(detail.status, number).toBe(404);
      }

      const untouched = await web.app.deps.tickets.findTicket(1);
      expect(untouched).toMatchObject({ status: 'new', assigneeId: null, version: 0 });
      expect(await actions(1)).toEqual(['create']);
    });
  });
});

import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { executeCommand } from '../../core/commands/execute-command.js';
import { parseCommand } from '../../core/commands/grammar.js';
import { addNote } from '../../core/tickets/add-note.js';
import { addReply } from '../../core/tickets/add-reply.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import * as act from '../../core/tickets/ticket-actions.js';
import type { Actor, Ticket } from '../../core/tickets/types.js';
import { agent, makeCore, supervisor, type TestCore } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

const lin = agent('lin');
const zhou = agent('zhou');

describe.each(PROVIDERS)('ticket service on $name', (provider) => {
  let core: TestCore;
  let ticket: Ticket;
  let customer: Actor;

  beforeEach(async () => {
    core = await makeCore(await provider.fresh());
    const created = await intakeMessage(core.deps, {
      platform: 'web',
      platformMessageId: 'm-1',
      author: { platformUserId: 'cust-1', name: '张女士', phone: '13812345678' },
      text: '订单 1234567890123456789 的裙子尺码不对，想换货',
      channel: 'web',
    });
    ticket = created.ticket;
    customer = { role: 'customer', customerId: ticket.customerId ?? undefined, platform: 'web' };
  });
  afterEach(async () => {
    await core.close();
  });

  test('intake triages, routes to the category team and links customer and order', async () => {
    expect(ticket).toMatchObject({
      number: 'T-000001',
      status: 'new',
      category: 'return_exchange',
      teamId: 'after-sales',
      orderNumbers: ['1234567890123456789'],
    });
    const stored = await core.database.db.customer.findUniqueOrThrow({ where: { id: ticket.customerId ?? 0 }, include: { identities: true } });
    expect(stored).toMatchObject({ name: '张女士', phone: '13812345678' });
    expect(stored.identities).toMatchObject([{ platform: 'web', platformUserId: 'cust-1' }]);
  });

  test('a whole life: claim, first response, pending, customer reply, resolve, rebound, close — each step logged', async () => {
    const { deps, clock } = core;
    await act.claimTicket(deps, ticket.id, lin);
    clock.advance(60_000);
    let t = (await addReply(deps, ticket.id, lin, { body: '您好，请提供尺码', platformMessageId: 'a-1' })).ticket;
    expect(t).toMatchObject({ status: 'in_progress', assigneeId: 'lin' });
    expect(t.firstResponseAt?.toISOString()).toBe(clock.now().toISOString());
    t = await act.markPending(deps, ticket.id, lin);
    expect(t.status).toBe('pending_customer');
    expect(t.pendingSince).not.toBeNull();
    t = (await addReply(deps, ticket.id, customer, { body: '要 M 码', platformMessageId: 'c-2' })).ticket;
    expect(t).toMatchObject({ status: 'in_progress', pendingSince: null });
    t = await act.resolveTicket(deps, ticket.id, lin);
    expect(t.status).toBe('resolved');
    t = (await addReply(deps, ticket.id, customer, { body: '换的货还是不对', platformMessageId: 'c-3' })).ticket;
    expect(t).toMatchObject({ status: 'assigned', reboundCount: 1 });
    t = await act.resolveTicket(deps, ticket.id, lin);
    t = await act.closeTicket(deps, ticket.id, customer);
    expect(t.status).toBe('closed');

    const actions = (await deps.tickets.listEvents(ticket.id)).map((e) => e.action);
    expect(actions).toEqual(['create', 'claim', 'start', 'pend', 'customer_reply', 'resolve', 'reopen', 'resolve', 'close']);
    const events = await deps.tickets.listEvents(ticket.id);
    expect(events[1]).toMatchObject({
      actorId: 'lin',
      actorRole: 'agent',
      before: { status: 'new', assigneeId: null },
      after: { status: 'assigned', assigneeId: 'lin' },
    });
    expect(core.changes.map((c) => c.action)).toEqual(actions);
    await expect(addReply(deps, ticket.id, customer, { body: '还在吗' })).rejects.toMatchObject({ code: 'TICKET_INVALID_TRANSITION' });
  });

  test('a reply delivered twice is stored once', async () => {
    await act.claimTicket(core.deps, ticket.id, lin);
    const first = await addReply(core.deps, ticket.id, lin, { body: '收到', platformMessageId: 'dup' });
    const second = await addReply(core.deps, ticket.id, lin, { body: '收到', platformMessageId: 'dup' });
    expect(second).toMatchObject({ duplicate: true, message: { id: first.message.id } });
    expect(await core.deps.tickets.listMessages(ticket.id, { includeInternal: true })).toHaveLength(2);
  });

  test('transfer hands the ticket to another team queue with an internal handoff note', async () => {
    await act.claimTicket(core.deps, ticket.id, lin);
    const t = await act.transferTicket(core.deps, ticket.id, lin, 'logistics', '客户要改地址，物流处理');
    expect(t).toMatchObject({ status: 'new', teamId: 'logistics', assigneeId: null });
    const messages = await core.deps.tickets.listMessages(ticket.id, { includeInternal: true });
    expect(messages.at(-1)).toMatchObject({ visibility: 'internal', body: '客户要改地址，物流处理', authorId: 'lin' });
    expect(await core.deps.tickets.listMessages(ticket.id, { includeInternal: false })).toHaveLength(1);
    const event = (await core.deps.tickets.listEvents(ticket.id)).at(-1);
    expect(event).toMatchObject({ action: 'transfer', note: '客户要改地址，物流处理', before: { teamId: 'after-sales' }, after: { teamId: 'logistics' } });
    await expect(act.transferTicket(core.deps, ticket.id, supervisor, 'nowhere')).rejects.toMatchObject({ code: 'UNKNOWN_TEAM' });
  });

  test('only the owner or a supervisor reassigns; unknown agents are refused', async () => {
    await act.claimTicket(core.deps, ticket.id, lin);
    await expect(act.assignTicket(core.deps, ticket.id, zhou, 'zhou')).rejects.toMatchObject({ code: 'NOT_PERMITTED' });
    await expect(act.assignTicket(core.deps, ticket.id, supervisor, 'ghost')).rejects.toMatchObject({ code: 'UNKNOWN_AGENT' });
    const t = await act.assignTicket(core.deps, ticket.id, supervisor, 'zhou');
    expect(t.assigneeId).toBe('zhou');
  });

  test('category and priority corrections are checked and logged', async () => {
    await expect(act.setCategory(core.deps, ticket.id, lin, 'nonsense')).rejects.toMatchObject({ code: 'UNKNOWN_CATEGORY' });
    await act.setCategory(core.deps, ticket.id, lin, 'refund');
    const t = await act.setPriority(core.deps, ticket.id, lin, 'P1');
    expect(t).toMatchObject({ category: 'refund', priority: 'P1' });
    const events = (await core.deps.tickets.listEvents(ticket.id)).slice(-2);
    expect(events).toMatchObject([
      { action: 'set_category', after: { category: 'refund' } },
      { action: 'set_priority', after: { priority: 'P1' } },
    ]);
  });

  test('a list longer than SQLite binds in one statement (a long queue) is read whole, with its order references', async () => {
    const { count } = await core.database.db.ticket.createMany({
      data: Array.from({ length: 1200 }, (_, i) => ({ title: `t${i}`, description: 'x', channel: 'web' })),
    });
    const rows = await core.database.db.ticket.findMany({ select: { id: true }, orderBy: { id: 'desc' }, take: 2 });
    await core.database.db.orderRef.createMany({ data: rows.map((r) => ({ ticketId: r.id, orderNumber: `SO-${r.id}` })) });
    const listed = await core.deps.tickets.listTickets({ limit: 5000 });
    expect(listed).toHaveLength(count + 1);
    expect(listed.find((t) => t.id === ticket.id)?.orderNumbers).toEqual(['1234567890123456789']);
    expect(listed.filter((t) => t.orderNumbers.length).map((t) => t.orderNumbers)).toEqual([
      ['1234567890123456789'],
      ...rows.map((r) => [`SO-${r.id}`]).reverse(),
    ]);
  });

  test('merge closes the duplicate, points at the original and notes it there', async () => {
    const other = await intakeMessage(core.deps, {
      platform: 'web',
      platformMessageId: 'm-2',
      author: { platformUserId: 'cust-1' },
      text: '裙子尺码不对！',
      channel: 'web',
    });
    const merged = await act.mergeTicket(core.deps, other.ticket.id, supervisor, ticket.id);
    expect(merged).toMatchObject({ status: 'closed', duplicateOfId: ticket.id, closeReason: 'duplicate' });
    const notes = await core.deps.tickets.listMessages(ticket.id, { includeInternal: true });
    expect(notes.at(-1)).toMatchObject({ visibility: 'internal', body: expect.stringContaining('T-000002') });
    await expect(act.reopenTicket(core.deps, other.ticket.id, supervisor)).rejects.toMatchObject({ code: 'TICKET_INVALID_TRANSITION' });
    await expect(act.mergeTicket(core.deps, ticket.id, supervisor, other.ticket.id)).rejects.toMatchObject({ code: 'TICKET_INVALID_TRANSITION' });
  });

  test('internal notes are staff-only', async () => {
    await expect(addNote(core.deps, ticket.id, customer, 'hi')).rejects.toMatchObject({ code: 'NOT_PERMITTED' });
    await addNote(core.deps, ticket.id, lin, '客户是老客户');
    expect(await core.deps.tickets.listMessages(ticket.id, { includeInternal: false })).toHaveLength(1);
    expect(await core.deps.tickets.listMessages(ticket.id, { includeInternal: true })).toHaveLength(2);
  });

  test('a message in a linked thread joins its ticket; after close, a follow-up ticket takes the thread over', async () => {
    const thread = { platform: 'wechat' as const, workspaceId: '', channelId: 'room-1', threadId: 'room-1', messageId: 'w-1' };
    const first = await intakeMessage(core.deps, {
      platform: 'wechat',
      platformMessageId: 'w-1',
      conversation: thread,
      author: { platformUserId: 'wx-9' },
      text: '发票怎么开',
      channel: 'wechat',
    });
    const reply = await intakeMessage(core.deps, {
      platform: 'wechat',
      platformMessageId: 'w-2',
      conversation: thread,
      author: { platformUserId: 'wx-9' },
      text: '要公司抬头',
      channel: 'wechat',
    });
    expect(reply).toMatchObject({ outcome: 'appended', ticket: { id: first.ticket.id } });
    await act.closeTicket(core.deps, first.ticket.id, supervisor, 'done');
    const followUp = await intakeMessage(core.deps, {
      platform: 'wechat',
      platformMessageId: 'w-3',
      conversation: thread,
      author: { platformUserId: 'wx-9' },
      text: '发票还没收到',
      channel: 'wechat',
    });
    expect(followUp.outcome).toBe('created');
    expect(followUp.ticket.id).not.toBe(first.ticket.id);
    expect((await core.deps.tickets.findTicketByConversation(thread))?.id).toBe(followUp.ticket.id);
  });

  test("someone other than the ticket's customer answering in its thread resumes a pending ticket and reopens a resolved one", async () => {
    const thread = { platform: 'wechat' as const, workspaceId: '', channelId: 'room-2', threadId: 'room-2', messageId: 'w-10' };
    const say = (id: string, who: string, text: string) =>
      intakeMessage(core.deps, { platform: 'wechat', platformMessageId: id, conversation: thread, author: { platformUserId: who }, text, channel: 'wechat' });
    const { ticket: t } = await say('w-10', 'wx-buyer', '订单还没发货');
    await act.claimTicket(core.deps, t.id, lin);
    await act.markPending(core.deps, t.id, lin);
    // The buyer's colleague answers in the same group thread.
    const answered = await say('w-11', 'wx-colleague', '地址改成公司地址');
    expect(answered).toMatchObject({ outcome: 'appended', ticket: { id: t.id, status: 'in_progress', pendingSince: null } });
    await act.resolveTicket(core.deps, t.id, lin);
    const rebound = await say('w-12', 'wx-colleague', '还是没收到');
    expect(rebound.ticket).toMatchObject({ id: t.id, status: 'assigned', reboundCount: 1 });
    const events = await core.deps.tickets.listEvents(t.id);
    // The events name who wrote: a customer, not the system.
    expect(events.filter((e) => e.action === 'customer_reply' || e.action === 'reopen').map((e) => [e.action, e.actorRole])).toEqual([
      ['customer_reply', 'customer'],
      ['reopen', 'customer'],
    ]);
  });

  test('the command grammar drives the same use cases, in the language typed', async () => {
    const run = async (text: string, actor: Actor, ticketId?: number) => {
      const parsed = parseCommand(text);
      if (!parsed.ok) throw new Error(`did not parse: ${text}`);
      return executeCommand(core.deps, parsed.command, { actor, lang: parsed.lang, ticketId });
    };
    expect((await run('认领 T-000001', lin)).text).toBe('您已认领工单 T-000001。');
    expect((await run('note customer is a VIP', lin, ticket.id)).text).toBe('Internal note added to ticket T-000001.');
    expect((await run('list mine', lin)).tickets?.map((t) => t.number)).toEqual(['T-000001']);
    expect((await run('转派 logistics 请跟进物流', lin, ticket.id)).text).toBe('工单 T-000001 已转派至 物流。');
    expect((await run('status T-000001', customer)).text).toContain('Status: new');
    await expect(run('claim', lin)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(run('list open', customer)).rejects.toMatchObject({ code: 'NOT_PERMITTED' });
  });
});

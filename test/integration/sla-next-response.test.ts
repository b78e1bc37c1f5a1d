import { afterEach, describe, expect, test } from 'vitest';
import { slaReport } from '../../core/sla/sla-report.js';
import { addReply } from '../../core/tickets/add-reply.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { type AutomatedCore, advanceAndSweep, configWith, makeAutomatedCore, openP2Ticket, reminderKinds } from '../helpers/automation.js';
import { agent, supervisor } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const lin = agent('lin');
const at = (iso: string) => new Date(iso).toISOString();

/** 24/7 clocks with the default policy, plus `nextResponse` for P2 (absent: no next-response target). */
const policy = (nextResponse?: string) =>
  configWith((raw) => {
    for (const team of raw.teams as { calendar?: string }[]) delete team.calendar;
    const targets = (raw.sla as { targets: Record<string, Record<string, string>> }).targets;
    if (nextResponse) targets.P2 = { ...targets.P2, nextResponse };
  });
const withNextResponse = policy('1h');

// The optional next-response clock: a customer's later message must be answered within its target.
describe.each(PROVIDERS)('next-response clock on $name', (provider) => {
  let core: AutomatedCore;
  afterEach(async () => {
    await core?.close();
  });

  async function start(config = policy()): Promise<void> {
    core = await makeAutomatedCore(await provider.fresh(), config);
  }

  const openTicket = (n = 1) => openP2Ticket(core, n);
  const kinds = (ticketId: number) => reminderKinds(core, ticketId);
  const later = (ms: number) => advanceAndSweep(core, ms);

  test("next response: a customer writing after the first response starts a clock the agent's next reply stops; reminded and escalated once per wait", async () => {
    await start(withNextResponse);
    const { ticket, customer } = await openTicket();
    expect(ticket.sla.nextResponseMs).toBe(HOUR);
    // Before the first response the first-response clock covers the customer's messages.
    await addReply(core.deps, ticket.id, customer, { body: '在吗？' });
    core.clock.advance(10 * MIN);
    await addReply(core.deps, ticket.id, lin, { body: '在的，请问订单号？' });
    core.clock.advance(10 * MIN);
    const waiting = await addReply(core.deps, ticket.id, customer, { body: '订单号 SO20261123-01' });
    expect(waiting.ticket.awaitingReplySince?.toISOString()).toBe(at('2026-11-23T02:20:00Z'));
    expect(waiting.ticket.sla.nextResponseDueAt?.toISOString()).toBe(at('2026-11-23T03:20:00Z'));
    expect(waiting.ticket.sla.nextCheckAt?.toISOString()).toBe(at('2026-11-23T03:05:00Z'));
    // A second message does not restart the wait.
    core.clock.advance(5 * MIN);
    const again = await addReply(core.deps, ticket.id, customer, { body: '麻烦快点' });
    expect(again.ticket.awaitingReplySince?.toISOString()).toBe(at('2026-11-23T02:20:00Z'));
    expect(again.ticket.version).toBe(waiting.ticket.version);

    await later(39 * MIN);
    expect(await kinds(ticket.id)).toEqual(['assigned']);
    await later(1 * MIN);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'nr_warning']);
    await later(15 * MIN);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'nr_warning', 'nr_breach']);
    const notices = await core.automation.notifications.list({ ticketId: ticket.id });
    expect(notices.find((n) => n.kind === 'nr_warning')).toMatchObject({ audience: 'assignee', recipientId: 'lin' });
    expect(notices.find((n) => n.kind === 'nr_breach')).toMatchObject({ audience: 'supervisor', recipientId: 'li', destination: 'agent:li' });
    const breached = await core.deps.tickets.findTicket(ticket.id);
    expect(breached?.sla.nextResponseBreachedAt?.toISOString()).toBe(at('2026-11-23T03:20:00Z'));
    expect((await slaReport(core.deps)).breached.map((r) => [r.ticket.id, r.clock])).toEqual([[ticket.id, 'next_response']]);
    await later(2 * HOUR);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'nr_warning', 'nr_breach']);

    // The agent's reply ends the wait; the report no longer lists the ticket.
    const answered = await addReply(core.deps, ticket.id, lin, { body: '已为您加急处理' });
    expect(answered.ticket.awaitingReplySince).toBeNull();
    expect(answered.ticket.sla.nextResponseDueAt).toBeNull();
    expect((await slaReport(core.deps)).breached).toEqual([]);
    const actions = (await core.deps.tickets.listEvents(ticket.id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'customer_waiting' || a === 'next_response')).toEqual(['customer_waiting', 'next_response']);

    // A new wait has its own reminders.
    await addReply(core.deps, ticket.id, customer, { body: '好的，还有一个问题' });
    await later(45 * MIN);
    expect((await kinds(ticket.id)).filter((k) => k === 'nr_warning')).toHaveLength(2);
    // Delivered now: the first wait's warning is over (answered), this wait's warning and the breach stand.
    await core.automation.dispatcher.runOnce();
    const warnings = (await core.automation.notifications.list({ ticketId: ticket.id })).filter((n) => n.kind === 'nr_warning');
    const delivered = core.gateway.sent.map((n) => n.id);
    expect(warnings.map((n) => delivered.includes(n.id))).toEqual([false, true]);
    expect(core.gateway.sent.filter((n) => n.kind === 'nr_breach')).toHaveLength(1);
    // Asking the customer something (pending) ends the wait too: no breach follows.
    await act.markPending(core.deps, ticket.id, lin);
    await later(HOUR);
    expect((await kinds(ticket.id)).filter((k) => k === 'nr_breach')).toHaveLength(1);
    expect((await core.deps.tickets.findTicket(ticket.id))?.awaitingReplySince).toBeNull();
  });

  test('a ticket resolved without a public reply and reopened by the customer: no first-response breach at the reopen; the next-response clock times the answer', async () => {
    await start(withNextResponse);
    const { ticket, customer } = await openTicket();
    // Resolved within the hour with an internal note only: no first response.
    core.clock.advance(30 * MIN);
    await act.resolveTicket(core.deps, ticket.id, lin, '已线下退款');
    core.clock.advance(24 * HOUR);
    const reopened = await addReply(core.deps, ticket.id, customer, { body: '退款还没到账' });
    expect(reopened.ticket.status).toBe('assigned');
    expect(reopened.ticket.firstResponseAt).toBeNull();
    expect(reopened.ticket.awaitingReplySince?.toISOString()).toBe(core.clock.now().toISOString());
    await later(1 * MIN);
    expect(await kinds(ticket.id)).not.toContain('fr_breach');
    expect(await kinds(ticket.id)).not.toContain('fr_warning');
    await later(59 * MIN);
    expect(await kinds(ticket.id)).toContain('nr_breach');
    expect(await kinds(ticket.id)).not.toContain('fr_breach');
  });

  test("without a next-response target, customers' later messages change nothing on the ticket", async () => {
    await start();
    const { ticket, customer } = await openTicket();
    await addReply(core.deps, ticket.id, lin, { body: '您好' });
    const before = await core.deps.tickets.findTicket(ticket.id);
    const after = await addReply(core.deps, ticket.id, customer, { body: '谢谢' });
    expect(after.ticket.version).toBe(before?.version);
    expect(after.ticket.awaitingReplySince).toBeNull();
    expect(after.ticket.sla.nextResponseDueAt).toBeNull();
  });

  test('merging a ticket whose customer waits carries the wait over to the ticket it is merged into', async () => {
    await start(withNextResponse);
    const { ticket: kept } = await openTicket(1);
    const { ticket: dup, customer } = await openTicket(2);
    await addReply(core.deps, kept.id, supervisor, { body: '您好' });
    await addReply(core.deps, dup.id, supervisor, { body: '您好' });
    core.clock.advance(10 * MIN);
    const waiting = await addReply(core.deps, dup.id, customer, { body: '还是同一件事' });
    const since = waiting.ticket.awaitingReplySince;
    expect(since).not.toBeNull();
    core.clock.advance(5 * MIN);
    await act.mergeTicket(core.deps, dup.id, supervisor, kept.id);
    const target = await core.deps.tickets.findTicket(kept.id);
    expect(target?.awaitingReplySince).toEqual(since);
    expect(target?.sla.nextResponseDueAt?.getTime()).toBe((since?.getTime() ?? 0) + HOUR);
  });

  test('a customer message racing an agent reply: the wait follows whichever message is stored last', async () => {
    await start(withNextResponse);
    const { ticket, customer } = await openTicket();
    await addReply(core.deps, ticket.id, lin, { body: '您好' });
    for (let round = 0; round < 8; round++) {
      await addReply(core.deps, ticket.id, customer, { body: `问题 ${round}` });
      core.clock.advance(MIN);
      // The agent answers while the customer writes again; either may be stored last.
      await Promise.all([addReply(core.deps, ticket.id, lin, { body: `回复 ${round}` }), addReply(core.deps, ticket.id, customer, { body: `补充 ${round}` })]);
      const last = (await core.deps.tickets.listMessages(ticket.id, { includeInternal: false })).at(-1);
      const now = await core.deps.tickets.findTicket(ticket.id);
      expect({ round, waiting: now?.awaitingReplySince !== null }).toEqual({ round, waiting: last?.authorKind === 'customer' });
      if (last?.authorKind === 'customer') await addReply(core.deps, ticket.id, lin, { body: `再回复 ${round}` });
    }
  });
});

import { afterEach, describe, expect, test } from 'vitest';
import { addReply } from '../../core/tickets/add-reply.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import * as act from '../../core/tickets/ticket-actions.js';
import type { Actor, Ticket } from '../../core/tickets/types.js';
import { type AutomatedCore, makeAutomatedCore, teamOf } from '../helpers/automation.js';
import { agent } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

/*
 * Tickets never sit with someone who cannot work them: a rebound for an agent who is off duty or gone,
 * a customer's answer for an agent who is gone, and the working tickets of an agent removed from the
 * config all go back to the team's queue, and from there to someone on duty.
 */

const allDay = (raw: Record<string, unknown>) => {
  for (const team of raw.teams as { calendar?: string }[]) delete team.calendar;
};

describe.each(PROVIDERS)('tickets of absent agents on $name', (provider) => {
  let core: AutomatedCore;
  afterEach(async () => {
    await core?.close();
  });

  let seq = 0;
  async function request(): Promise<{ ticket: Ticket; customer: Actor }> {
    seq++;
    const { ticket } = await intakeMessage(core.deps, {
      platform: 'web',
      platformMessageId: `a-${seq}`,
      author: { platformUserId: `c-${seq}` },
      text: '裙子尺码不对，想换货',
      channel: 'web',
    });
    return { ticket, customer: { role: 'customer', customerId: ticket.customerId ?? undefined, platform: 'web' } };
  }
  const find = async (id: number) => (await core.deps.tickets.findTicket(id)) as Ticket;

  test('a ticket reopened while its assignee is off duty goes back to the queue and on to someone on duty', async () => {
    core = await makeAutomatedCore(await provider.fresh(), teamOf([{ id: 'a1' }, { id: 'a2', onDuty: false }], allDay));
    const { ticket, customer } = await request();
    expect(ticket.assigneeId).toBe('a1');
    await act.resolveTicket(core.deps, ticket.id, agent('a1'));
    await core.deps.directory.setOnDuty('a1', false);
    await core.deps.directory.setOnDuty('a2', true);

    await addReply(core.deps, ticket.id, customer, { body: '还是不对', platformMessageId: 'rebound-1' });

    const after = await find(ticket.id);
    expect(after).toMatchObject({ status: 'assigned', assigneeId: 'a2', reboundCount: 1 });
    const events = await core.deps.tickets.listEvents(ticket.id);
    expect(events.slice(-3).map((e) => [e.action, e.note])).toEqual([
      ['reopen', null],
      ['transfer', 'assignee_off_duty'],
      ['assign', 'auto-assigned'],
    ]);
  });

  test('a ticket reopened while its assignee is on duty stays with them', async () => {
    core = await makeAutomatedCore(await provider.fresh(), teamOf([{ id: 'a1' }, { id: 'a2' }], allDay));
    const { ticket, customer } = await request();
    await act.resolveTicket(core.deps, ticket.id, agent(ticket.assigneeId ?? ''));
    await addReply(core.deps, ticket.id, customer, { body: '还是不对', platformMessageId: 'rebound-2' });
    expect(await find(ticket.id)).toMatchObject({ status: 'assigned', assigneeId: ticket.assigneeId });
    expect((await core.deps.tickets.listEvents(ticket.id)).some((e) => e.action === 'transfer')).toBe(false);
  });

  test('without auto-assignment a rebound for an absent assignee waits unassigned in the queue', async () => {
    core = await makeAutomatedCore(
      await provider.fresh(),
      teamOf([{ id: 'a1' }], (raw) => {
        allDay(raw);
        raw.routing = { autoAssign: false };
      }),
    );
    const { ticket, customer } = await request();
    await act.claimTicket(core.deps, ticket.id, agent('a1'));
    await act.resolveTicket(core.deps, ticket.id, agent('a1'));
    await core.deps.directory.setOnDuty('a1', false);
    await addReply(core.deps, ticket.id, customer, { body: '还是不对', platformMessageId: 'rebound-3' });
    expect(await find(ticket.id)).toMatchObject({ status: 'new', assigneeId: null, teamId: 'after-sales' });
  });

  test('a ticket transferred while it waits on the customer keeps waiting; the answer puts it in the new team queue', async () => {
    core = await makeAutomatedCore(await provider.fresh(), teamOf([{ id: 'a1' }], allDay));
    const { ticket, customer } = await request();
    await addReply(core.deps, ticket.id, agent('a1'), { body: '请提供订单号', platformMessageId: 't-1' });
    const pending = await act.markPending(core.deps, ticket.id, agent('a1'));
    await act.transferTicket(core.deps, ticket.id, agent('a1'), 'logistics', '物流问题，转物流组');
    const moved = await find(ticket.id);
    expect(moved).toMatchObject({ status: 'pending_customer', teamId: 'logistics', assigneeId: null, pendingSince: pending.pendingSince });
    // The resolution clock stays paused and the nudge stays where it was.
    expect(moved.sla.pausedSince).toEqual(pending.sla.pausedSince);
    expect(moved.sla.nextCheckAt).toEqual(pending.sla.nextCheckAt);

    await addReply(core.deps, ticket.id, customer, { body: '订单号 1234567890123456789', platformMessageId: 't-2' });
    const answered = await find(ticket.id);
    expect(answered).toMatchObject({ teamId: 'logistics', status: 'assigned' });
    expect(answered.assigneeId).not.toBeNull();
    expect(answered.assigneeId).not.toBe('a1');
  });

  test('someone in the new team can claim a ticket transferred while waiting; it keeps waiting for the customer, now theirs', async () => {
    core = await makeAutomatedCore(await provider.fresh(), teamOf([{ id: 'a1' }], allDay));
    const { ticket, customer } = await request();
    await addReply(core.deps, ticket.id, agent('a1'), { body: '请提供订单号', platformMessageId: 'c-1' });
    await act.markPending(core.deps, ticket.id, agent('a1'));
    await act.transferTicket(core.deps, ticket.id, agent('a1'), 'logistics');
    const claimed = await act.claimTicket(core.deps, ticket.id, agent('zhou'));
    expect(claimed).toMatchObject({ status: 'pending_customer', assigneeId: 'zhou', teamId: 'logistics' });
    await addReply(core.deps, ticket.id, customer, { body: '订单号 1234567890123456789', platformMessageId: 'c-2' });
    expect(await find(ticket.id)).toMatchObject({ status: 'in_progress', assigneeId: 'zhou' });
  });

  test("an agent removed from the config leaves their working tickets to the team at start; a waiting one returns on the customer's answer", async () => {
    core = await makeAutomatedCore(await provider.fresh(), teamOf([{ id: 'gone' }, { id: 'a2', onDuty: false }], allDay));
    const assigned = await request();
    const working = await request();
    const waiting = await request();
    for (const { ticket } of [assigned, working, waiting]) expect(ticket.assigneeId).toBe('gone');
    await addReply(core.deps, working.ticket.id, agent('gone'), { body: '正在处理', platformMessageId: 'w-1' });
    await addReply(core.deps, waiting.ticket.id, agent('gone'), { body: '请提供订单号', platformMessageId: 'w-2' });
    await act.markPending(core.deps, waiting.ticket.id, agent('gone'));
    await core.deps.directory.setOnDuty('a2', true);

    // The next start syncs a config without "gone".
    await core.automation.start(() => core.deps.directory.syncFromConfig(teamOf([{ id: 'a2' }], allDay)));

    expect(await find(assigned.ticket.id)).toMatchObject({ assigneeId: 'a2', status: 'assigned' });
    expect(await find(working.ticket.id)).toMatchObject({ assigneeId: 'a2', status: 'assigned' });
    expect(await find(waiting.ticket.id)).toMatchObject({ assigneeId: 'gone', status: 'pending_customer' });
    expect((await core.deps.tickets.listEvents(working.ticket.id)).find((e) => e.action === 'transfer')).toMatchObject({
      actorRole: 'system',
      note: 'assignee_inactive',
    });

    await addReply(core.deps, waiting.ticket.id, waiting.customer, { body: '订单号 1234567890123456789', platformMessageId: 'w-3' });
    expect(await find(waiting.ticket.id)).toMatchObject({ assigneeId: 'a2', status: 'assigned' });
  });
});

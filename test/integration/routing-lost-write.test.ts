import { afterEach, describe, expect, test } from 'vitest';
import { AppError } from '../../core/errors.js';
import { AutoAssigner } from '../../core/routing/auto-assign.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { claimTicket } from '../../core/tickets/ticket-actions.js';
import type { Ticket } from '../../core/tickets/types.js';
import { teamOf } from '../helpers/automation.js';
import { agent, makeCore, type TestCore } from '../helpers/core.js';
import { freshSqlite } from '../helpers/databases.js';

// Auto-assignment is driven by hand here (makeCore wires no automation), with the ticket store wrapped.
const config = teamOf([
  { id: 'a1', maxLoad: 5, onDuty: true },
  { id: 'a2', maxLoad: 5, onDuty: false },
]);

async function queueTwo(core: TestCore): Promise<[Ticket, Ticket]> {
  const open = async (i: number) =>
    (
      await intakeMessage(core.deps, {
        platform: 'web',
        platformMessageId: `m-${i}`,
        author: { platformUserId: `c-${i}` },
        text: '裙子尺码不对，想换货',
        channel: 'web',
      })
    ).ticket;
  return [await open(1), await open(2)];
}

describe('auto-assignment when a write cannot land', () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.close();
    core = undefined;
  });

  test('a ticket that keeps losing its write is reported (so the routing sweep retries it) and the drain goes on', async () => {
    core = await makeCore(freshSqlite(), config);
    const [first, second] = await queueTwo(core);
    const store = core.deps.tickets;
    // Every write to the first ticket loses its race, as under a storm of concurrent changes.
    const tickets = Object.create(store) as typeof store;
    tickets.applyChange = (change) => (change.ticketId === first.id ? Promise.resolve(null) : store.applyChange(change));
    const errors: unknown[] = [];
    const assigned = await new AutoAssigner({ ...core.deps, tickets }, (err) => errors.push(err)).drainTeam('after-sales');

    expect(assigned).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AppError);
    expect((errors[0] as AppError).code).toBe('TICKET_CONFLICT');
    expect((await store.findTicket(first.id))?.assigneeId).toBeNull();
    expect((await store.findTicket(second.id))?.assigneeId).toBe('a1');
  });

  test('a ticket claimed between the queue read and the write is skipped without a report', async () => {
    core = await makeCore(freshSqlite(), config);
    const [first, second] = await queueTwo(core);
    const deps = core.deps;
    const store = deps.tickets;
    const tickets = Object.create(store) as typeof store;
    tickets.listTickets = async (filter) => {
      const queue = await store.listTickets(filter);
      // Someone claims the first ticket by hand right after the drain read the queue.
      await claimTicket(deps, first.id, agent('a2'));
      return queue;
    };
    const errors: unknown[] = [];
    const assigned = await new AutoAssigner({ ...deps, tickets }, (err) => errors.push(err)).drainTeam('after-sales');

    expect(errors).toEqual([]);
    expect(assigned).toBe(1);
    expect((await store.findTicket(first.id))?.assigneeId).toBe('a2');
    expect((await store.findTicket(second.id))?.assigneeId).toBe('a1');
  });
});

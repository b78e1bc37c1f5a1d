import { describe, expect, test } from 'vitest';
import { transition } from '../../../../core/tickets/lifecycle.js';
import type { Actor } from '../../../../core/tickets/types.js';
import { ACTORS, EVENTS, expectRenderedMessage, LANGS, NOW, TICKET_ID, TICKET_NUMBER, ticketIn } from './lifecycle-fixtures.js';

/* The ticket lifecycle: focused cases beside the matrix (lifecycle.test.ts). */

// ---------------------------------------------------------------------------------------------------------
// Focused tests
// ---------------------------------------------------------------------------------------------------------

describe('customer who does not own the ticket', () => {
  const stranger: Actor = { role: 'customer', customerId: 8, platform: 'web' };
  const anonymous: Actor = { role: 'customer', platform: 'web' };

  test.each([
    ['pending_customer', 'customer_reply'],
    ['resolved', 'close'],
    ['resolved', 'reopen'],
    ['closed', 'reopen'],
  ] as const)('%s × %s is refused (NOT_PERMITTED)', (status, event) => {
    for (const actor of [stranger, anonymous]) {
      const result = transition(ticketIn(status), EVENTS[event], actor, NOW);
      if (result.ok) throw new Error(`customer ${actor.customerId ?? '(none)'} was allowed to ${event}`);
      expect(result.error.code).toBe('NOT_PERMITTED');
      expectRenderedMessage(result.error);
    }
  });

  test('the owning customer is allowed the same events (control)', () => {
    expect(transition(ticketIn('pending_customer'), EVENTS.customer_reply, ACTORS['customer(owner)'], NOW).ok).toBe(true);
    expect(transition(ticketIn('resolved'), EVENTS.close, ACTORS['customer(owner)'], NOW).ok).toBe(true);
    expect(transition(ticketIn('closed'), EVENTS.reopen, ACTORS['customer(owner)'], NOW).ok).toBe(true);
  });
});

describe('an unassigned ticket waiting on the customer (transferred while it waited)', () => {
  const waiting = ticketIn('pending_customer', { assigneeId: null });

  test('an agent may claim it, and it keeps waiting, now theirs', () => {
    const result = transition(waiting, EVENTS.claim, ACTORS['agent(other)'], NOW);
    if (!result.ok) throw result.error;
    expect(result.ticket).toMatchObject({ status: 'pending_customer', assigneeId: ACTORS['agent(other)'].agentId, assignedAt: NOW });
  });

  test('the customer may not claim it; once claimed, nobody else may', () => {
    expect(transition(waiting, EVENTS.claim, ACTORS['customer(owner)'], NOW).ok).toBe(false);
    const claimed = transition(waiting, EVENTS.claim, ACTORS['agent(owner)'], NOW);
    if (!claimed.ok) throw claimed.error;
    const again = transition(claimed.ticket, EVENTS.claim, ACTORS['agent(other)'], NOW);
    expect(again.ok ? null : again.error.code).toBe('TICKET_ALREADY_CLAIMED');
  });

  test("the customer's answer puts it in the queue: new, unassigned", () => {
    const result = transition(waiting, EVENTS.customer_reply, ACTORS['customer(owner)'], NOW);
    if (!result.ok) throw result.error;
    expect(result.ticket).toMatchObject({ status: 'new', assigneeId: null, pendingSince: null });
  });
});

describe('merged ticket', () => {
  const merged = ticketIn('closed', { duplicateOfId: 42, closeReason: 'duplicate' });

  test.each(['customer(owner)', 'agent(owner)', 'agent(other)', 'supervisor', 'admin'] as const)(
    'refuses reopen by %s with a message naming the target',
    (actorName) => {
      const result = transition(merged, EVENTS.reopen, ACTORS[actorName], NOW);
      if (result.ok) throw new Error('a merged ticket was reopened');
      expect(result.error.code).toBe('TICKET_INVALID_TRANSITION');
      const text = expectRenderedMessage(result.error);
      for (const lang of LANGS) {
        expect(text[lang]).toContain('T-000042');
        expect(text[lang]).toContain(TICKET_NUMBER);
      }
    },
  );

  test('the same ticket without duplicateOfId can be reopened (control)', () => {
    const result = transition(ticketIn('closed'), EVENTS.reopen, ACTORS.supervisor, NOW);
    expect(result.ok).toBe(true);
  });
});

describe('merge into itself', () => {
  test.each(['new', 'assigned', 'in_progress', 'pending_customer'] as const)('%s ticket → INVALID_INPUT', (status) => {
    const result = transition(ticketIn(status), { type: 'merge', intoId: TICKET_ID }, ACTORS.supervisor, NOW);
    if (result.ok) throw new Error('a ticket was merged into itself');
    expect(result.error.code).toBe('INVALID_INPUT');
    expectRenderedMessage(result.error);
  });
});

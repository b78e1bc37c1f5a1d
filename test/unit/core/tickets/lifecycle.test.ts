import { describe, expect, test } from 'vitest';
import { AppError, type ErrorCode } from '../../../../core/errors.js';
import { type Lang, render } from '../../../../core/i18n/translate.js';
import { type LifecycleEvent, transition } from '../../../../core/tickets/lifecycle.js';
import type { Actor, Status, TicketState } from '../../../../core/tickets/types.js';

/*
 * The ticket lifecycle, checked cell by cell: every status × every event × every kind of actor.
 *
 * The expected outcomes below are an independent, hand-written specification. They deliberately do not
 * read LIFECYCLE (or anything else) from the implementation, so that a wrong rule there makes a cell fail.
 */

// ---------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------

const TICKET_ID = 1;
const TICKET_NUMBER = 'T-000001';
const CUSTOMER_ID = 7;
const OWNER_AGENT = 'owner';
const NOW = new Date('2025-06-01T12:00:00.000Z');
const EARLIER = new Date('2025-05-30T08:00:00.000Z');

const STATUS_LIST = ['new', 'assigned', 'in_progress', 'pending_customer', 'resolved', 'closed'] as const satisfies readonly Status[];

/** A ticket in `status`: unassigned while new, otherwise owned by agent "owner". */
function ticketIn(status: Status, overrides: Partial<TicketState> = {}): TicketState {
  const assigned = status !== 'new';
  return {
    id: TICKET_ID,
    status,
    assigneeId: assigned ? OWNER_AGENT : null,
    teamId: 'team-a',
    customerId: CUSTOMER_ID,
    category: 'general',
    priority: 'P3',
    reboundCount: 0,
    duplicateOfId: null,
    closeReason: null,
    version: 3,
    assignedAt: assigned ? EARLIER : null,
    firstResponseAt: assigned ? EARLIER : null,
    awaitingReplySince: null,
    pendingSince: status === 'pending_customer' ? EARLIER : null,
    resolvedAt: status === 'resolved' || status === 'closed' ? EARLIER : null,
    closedAt: status === 'closed' ? EARLIER : null,
    ...overrides,
  };
}

const ACTOR_NAMES = ['customer(owner)', 'agent(owner)', 'agent(other)', 'supervisor', 'admin', 'system'] as const;
type ActorName = (typeof ACTOR_NAMES)[number];

const ACTORS: Record<ActorName, Actor> = {
  'customer(owner)': { role: 'customer', customerId: CUSTOMER_ID, name: 'Ms Wang', platform: 'web' },
  'agent(owner)': { role: 'agent', agentId: OWNER_AGENT, name: 'Owner', platform: 'slack' },
  'agent(other)': { role: 'agent', agentId: 'other', name: 'Other', platform: 'slack' },
  supervisor: { role: 'supervisor', agentId: 'sup', name: 'Sup', platform: 'slack' },
  admin: { role: 'admin', agentId: 'adm', name: 'Adm', platform: 'cli' },
  system: { role: 'system', name: 'ticketbot', platform: 'system' },
};

const EVENT_LIST = [
  'claim',
  'assign',
  'transfer',
  'start',
  'pend',
  'customer_reply',
  'resolve',
  'close',
  'reopen',
  'merge',
  'set_category',
  'set_priority',
] as const satisfies readonly LifecycleEvent['type'][];
type EventName = (typeof EVENT_LIST)[number];

const MERGE_TARGET = 99;
const EVENTS: Record<EventName, LifecycleEvent> = {
  claim: { type: 'claim' },
  assign: { type: 'assign', agentId: 'target-agent' },
  transfer: { type: 'transfer', teamId: 'team-b' },
  start: { type: 'start' },
  pend: { type: 'pend' },
  customer_reply: { type: 'customer_reply' },
  resolve: { type: 'resolve' },
  close: { type: 'close' },
  reopen: { type: 'reopen' },
  merge: { type: 'merge', intoId: MERGE_TARGET },
  set_category: { type: 'set_category', category: 'billing' },
  set_priority: { type: 'set_priority', priority: 'P1' },
};

// ---------------------------------------------------------------------------------------------------------
// The specification table
// ---------------------------------------------------------------------------------------------------------

/** OK: allowed. INV: TICKET_INVALID_TRANSITION. NP: NOT_PERMITTED. AC: TICKET_ALREADY_CLAIMED. */
type Outcome = 'OK' | 'INV' | 'NP' | 'AC';
/** One status row, in ACTOR_NAMES order: customer(owner), agent(owner), agent(other), supervisor, admin, system. */
type Row = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

const CODE: Record<Exclude<Outcome, 'OK'>, ErrorCode> = {
  INV: 'TICKET_INVALID_TRANSITION',
  NP: 'NOT_PERMITTED',
  AC: 'TICKET_ALREADY_CLAIMED',
};

// Note: on a `new` ticket nobody is assigned, so "agent(owner)" (agent "owner") does not own it either.
// Precedence of refusals: a role that may never fire the event → NP; else wrong status → INV; else not the owner → NP.
// biome-ignore format: the spec table is aligned by hand so that each row reads as one line of the lifecycle.
const SPEC: Record<EventName, Record<Status, Row>> = {
  //                     customer agent(own) agent(oth) super  admin  system
  claim: {
    new:              ['NP',    'OK',      'OK',      'OK',  'OK',  'NP'],
    assigned:         ['NP',    'AC',      'AC',      'AC',  'AC',  'NP'],
    in_progress:      ['NP',    'AC',      'AC',      'AC',  'AC',  'NP'],
    pending_customer: ['NP',    'AC',      'AC',      'AC',  'AC',  'NP'],
    resolved:         ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
  },
  assign: {
    new:              ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    assigned:         ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    in_progress:      ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    pending_customer: ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    resolved:         ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
  },
  transfer: {
    new:              ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    assigned:         ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    in_progress:      ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    pending_customer: ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    resolved:         ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
  },
  start: {
    new:              ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
    assigned:         ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    in_progress:      ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
    pending_customer: ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
    resolved:         ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
  },
  pend: {
    new:              ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
    assigned:         ['NP',    'OK',      'NP',      'OK',  'OK',  'NP'],
    in_progress:      ['NP',    'OK',      'NP',      'OK',  'OK',  'NP'],
    pending_customer: ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
    resolved:         ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
  },
  customer_reply: {
    new:              ['INV',   'NP',      'NP',      'NP',  'NP',  'INV'],
    assigned:         ['INV',   'NP',      'NP',      'NP',  'NP',  'INV'],
    in_progress:      ['INV',   'NP',      'NP',      'NP',  'NP',  'INV'],
    pending_customer: ['OK',    'NP',      'NP',      'NP',  'NP',  'OK'],
    resolved:         ['INV',   'NP',      'NP',      'NP',  'NP',  'INV'],
    closed:           ['INV',   'NP',      'NP',      'NP',  'NP',  'INV'],
  },
  resolve: {
    new:              ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
    assigned:         ['NP',    'OK',      'NP',      'OK',  'OK',  'NP'],
    in_progress:      ['NP',    'OK',      'NP',      'OK',  'OK',  'NP'],
    pending_customer: ['NP',    'OK',      'NP',      'OK',  'OK',  'NP'],
    resolved:         ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'NP'],
  },
  close: {
    new:              ['INV',   'NP',      'NP',      'OK',  'OK',  'INV'],
    assigned:         ['INV',   'OK',      'NP',      'OK',  'OK',  'INV'],
    in_progress:      ['INV',   'OK',      'NP',      'OK',  'OK',  'INV'],
    pending_customer: ['INV',   'OK',      'NP',      'OK',  'OK',  'OK'],
    resolved:         ['OK',    'OK',      'NP',      'OK',  'OK',  'OK'],
    closed:           ['INV',   'INV',     'INV',     'INV', 'INV', 'INV'],
  },
  reopen: {
    new:              ['INV',   'INV',     'INV',     'INV', 'INV', 'INV'],
    assigned:         ['INV',   'INV',     'INV',     'INV', 'INV', 'INV'],
    in_progress:      ['INV',   'INV',     'INV',     'INV', 'INV', 'INV'],
    pending_customer: ['INV',   'INV',     'INV',     'INV', 'INV', 'INV'],
    resolved:         ['OK',    'OK',      'OK',      'OK',  'OK',  'OK'],
    closed:           ['OK',    'OK',      'OK',      'OK',  'OK',  'OK'],
  },
  merge: {
    new:              ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    assigned:         ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    in_progress:      ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    pending_customer: ['NP',    'OK',      'NP',      'OK',  'OK',  'OK'],
    resolved:         ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
  },
  set_category: {
    new:              ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    assigned:         ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    in_progress:      ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    pending_customer: ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    resolved:         ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
  },
  set_priority: {
    new:              ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    assigned:         ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    in_progress:      ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    pending_customer: ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    resolved:         ['NP',    'OK',      'OK',      'OK',  'OK',  'OK'],
    closed:           ['NP',    'INV',     'INV',     'INV', 'INV', 'INV'],
  },
};

/**
 * What an allowed event does: the resulting status and the field(s) it must set. Written out per event;
 * `before` is the ticket the event was applied to.
 */
const EFFECT: Record<EventName, (before: TicketState, actor: Actor) => Partial<TicketState>> = {
  claim: (_before, actor) => ({ status: 'assigned', assigneeId: actor.agentId ?? null }),
  assign: (before) => ({ status: before.status === 'new' ? 'assigned' : before.status, assigneeId: 'target-agent' }),
  transfer: (before) => ({ status: before.status === 'pending_customer' ? 'pending_customer' : 'new', assigneeId: null, teamId: 'team-b' }),
  start: () => ({ status: 'in_progress' }),
  pend: () => ({ status: 'pending_customer', pendingSince: NOW }),
  customer_reply: (before) => ({ status: before.assigneeId !== null ? 'in_progress' : 'new' }),
  resolve: () => ({ status: 'resolved', resolvedAt: NOW }),
  close: () => ({ status: 'closed', closedAt: NOW }),
  reopen: (before) => ({ status: before.assigneeId !== null ? 'assigned' : 'new', reboundCount: before.reboundCount + 1 }),
  merge: () => ({ status: 'closed', duplicateOfId: MERGE_TARGET, closeReason: 'duplicate' }),
  set_category: (before) => ({ status: before.status, category: 'billing' }),
  set_priority: (before) => ({ status: before.status, priority: 'P1' }),
};

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

const LANGS: readonly Lang[] = ['zh', 'en'];

/** The user message of `error`, rendered in both languages: non-empty, every placeholder filled. */
function expectRenderedMessage(error: AppError): Record<Lang, string> {
  const out = {} as Record<Lang, string>;
  for (const lang of LANGS) {
    const text = render(lang, error.userMessage);
    expect(text.trim(), `${lang} message for ${error.userMessage.key}`).not.toBe('');
    expect(text, `${lang} message for ${error.userMessage.key}`).not.toMatch(/\{\w+\}/);
    out[lang] = text;
  }
  return out;
}

interface Cell {
  name: string;
  status: Status;
  event: EventName;
  actor: ActorName;
  expected: Outcome;
}

const CELLS: Cell[] = EVENT_LIST.flatMap((event) =>
  STATUS_LIST.flatMap((status) =>
    ACTOR_NAMES.map((actor, i): Cell => {
      const expected = SPEC[event][status][i] as Outcome;
      return { name: `${status} × ${event} × ${actor} → ${expected}`, status, event, actor, expected };
    }),
  ),
);

// ---------------------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------------------

describe('lifecycle matrix', () => {
  test('covers every status × event × actor exactly once', () => {
    expect(CELLS).toHaveLength(STATUS_LIST.length * EVENT_LIST.length * ACTOR_NAMES.length);
    expect(new Set(CELLS.map((c) => `${c.status}|${c.event}|${c.actor}`)).size).toBe(432);
  });

  describe.each(EVENT_LIST)('%s', (event) => {
    // [name, cell] tuples with a `%s` title: `$name` would be quoted and cut at 40 characters in the report.
    const rows = CELLS.filter((c) => c.event === event).map((c) => [c.name, c] as const);
    test.each(rows)('%s', (_name, { status, actor: actorName, expected }) => {
      const before = ticketIn(status);
      const actor = ACTORS[actorName];
      const result = transition(before, EVENTS[event], actor, NOW);

      if (expected === 'OK') {
        if (!result.ok) throw new Error(`expected OK, got ${result.error.code}: ${result.error.message}`);
        expect(result.ticket).toMatchObject(EFFECT[event](before, actor));
        expect(result.ticket.version).toBe(before.version + 1);
        expect(result.ticket.id).toBe(before.id);
        expect(result.ticket.customerId).toBe(before.customerId);
        return;
      }

      if (result.ok) throw new Error(`expected ${CODE[expected]}, but the transition was allowed (→ ${result.ticket.status})`);
      expect(result.error).toBeInstanceOf(AppError);
      expect(result.error.code).toBe(CODE[expected]);
      expectRenderedMessage(result.error);
    });
  });
});

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

describe('purity', () => {
  test.each(EVENT_LIST)('%s does not mutate its input ticket, event or actor', (event) => {
    // Pick a (status, actor) cell where the event is allowed, so the apply path runs too.
    const cell = CELLS.find((c) => c.event === event && c.expected === 'OK');
    if (!cell) throw new Error(`no allowed cell for ${event}`);
    const ticket = ticketIn(cell.status);
    const actor = ACTORS[cell.actor];
    const ev = EVENTS[event];
    const snapshot = structuredClone({ ticket, actor, ev });
    Object.freeze(ticket);
    Object.freeze(actor);
    Object.freeze(ev);

    const result = transition(ticket, ev, actor, NOW);

    expect(result.ok).toBe(true);
    if (result.ok) expect(result.ticket).not.toBe(ticket);
    expect({ ticket, actor, ev }).toEqual(snapshot);
  });

  test('a refused transition does not mutate its input either', () => {
    const ticket = Object.freeze(ticketIn('closed'));
    const snapshot = structuredClone(ticket);
    const result = transition(ticket, EVENTS.start, ACTORS['agent(owner)'], NOW);
    expect(result.ok).toBe(false);
    expect(ticket).toEqual(snapshot);
  });
});

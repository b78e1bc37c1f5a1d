import { describe, expect, test } from 'vitest';
import { AppError, type ErrorCode } from '../../../../core/errors.js';
import { transition } from '../../../../core/tickets/lifecycle.js';
import type { Actor, Status, TicketState } from '../../../../core/tickets/types.js';
import {
  ACTOR_NAMES,
  ACTORS,
  type ActorName,
  EVENT_LIST,
  EVENTS,
  type EventName,
  expectRenderedMessage,
  MERGE_TARGET,
  NOW,
  STATUS_LIST,
  ticketIn,
} from './lifecycle-fixtures.js';

/*
 * The ticket lifecycle, checked cell by cell: every status × every event × every kind of actor.
 *
 * The expected outcomes below are an independent, hand-written specification. They deliberately do not
 * read LIFECYCLE (or anything else) from the implementation, so that a wrong rule there makes a cell fail.
 */

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

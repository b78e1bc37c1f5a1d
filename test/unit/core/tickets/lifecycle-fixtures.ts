import { expect } from 'vitest';
import type { AppError } from '../../../../core/errors.js';
import { type Lang, render } from '../../../../core/i18n/translate.js';
import type { LifecycleEvent } from '../../../../core/tickets/lifecycle.js';
import type { Actor, Status, TicketState } from '../../../../core/tickets/types.js';

// Fixtures shared by the lifecycle matrix (lifecycle.test.ts) and its focused cases (lifecycle-cases.test.ts).

// ---------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------

export const TICKET_ID = 1;
export const TICKET_NUMBER = 'T-000001';
export const CUSTOMER_ID = 7;
export const OWNER_AGENT = 'owner';
export const NOW = new Date('2025-06-01T12:00:00.000Z');
export const EARLIER = new Date('2025-05-30T08:00:00.000Z');

export const STATUS_LIST = ['new', 'assigned', 'in_progress', 'pending_customer', 'resolved', 'closed'] as const satisfies readonly Status[];

/** A ticket in `status`: unassigned while new, otherwise owned by agent "owner". */
export function ticketIn(status: Status, overrides: Partial<TicketState> = {}): TicketState {
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

export const ACTOR_NAMES = ['customer(owner)', 'agent(owner)', 'agent(other)', 'supervisor', 'admin', 'system'] as const;
export type ActorName = (typeof ACTOR_NAMES)[number];

export const ACTORS: Record<ActorName, Actor> = {
  'customer(owner)': { role: 'customer', customerId: CUSTOMER_ID, name: 'Ms Wang', platform: 'web' },
  'agent(owner)': { role: 'agent', agentId: OWNER_AGENT, name: 'Owner', platform: 'slack' },
  'agent(other)': { role: 'agent', agentId: 'other', name: 'Other', platform: 'slack' },
  supervisor: { role: 'supervisor', agentId: 'sup', name: 'Sup', platform: 'slack' },
  admin: { role: 'admin', agentId: 'adm', name: 'Adm', platform: 'cli' },
  system: { role: 'system', name: 'ticketbot', platform: 'system' },
};

export const EVENT_LIST = [
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
export type EventName = (typeof EVENT_LIST)[number];

export const MERGE_TARGET = 99;
export const EVENTS: Record<EventName, LifecycleEvent> = {
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
// Helpers
// ---------------------------------------------------------------------------------------------------------

export const LANGS: readonly Lang[] = ['zh', 'en'];

/** The user message of `error`, rendered in both languages: non-empty, every placeholder filled. */
export function expectRenderedMessage(error: AppError): Record<Lang, string> {
  const out = {} as Record<Lang, string>;
  for (const lang of LANGS) {
    const text = render(lang, error.userMessage);
    expect(text.trim(), `${lang} message for ${error.userMessage.key}`).not.toBe('');
    expect(text, `${lang} message for ${error.userMessage.key}`).not.toMatch(/\{\w+\}/);
    out[lang] = text;
  }
  return out;
}

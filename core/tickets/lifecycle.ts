import { AppError } from '../errors.js';
import { formatTicketNumber } from './ticket-number.js';
import { type Actor, OPEN_STATUSES, type Priority, type Role, type Status, type TicketState } from './types.js';

/** Everything that can happen to a ticket. Payloads carry what the event needs. */
export type LifecycleEvent =
  | { type: 'claim' }
  | { type: 'assign'; agentId: string }
  | { type: 'transfer'; teamId: string }
  | { type: 'start' }
  | { type: 'pend' }
  | { type: 'customer_reply' }
  | { type: 'resolve' }
  | { type: 'close'; reason?: string | undefined }
  | { type: 'reopen' }
  | { type: 'merge'; intoId: number }
  | { type: 'set_category'; category: string }
  | { type: 'set_priority'; priority: Priority };

export type LifecycleAction = LifecycleEvent['type'];

/** A ticket before it is stored: new, nobody's, no clocks run yet (id 0 until the store gives one). */
export function newTicketState(p: Pick<TicketState, 'teamId' | 'category' | 'priority'>): TicketState {
  return {
    id: 0,
    status: 'new',
    assigneeId: null,
    customerId: null,
    reboundCount: 0,
    duplicateOfId: null,
    closeReason: null,
    version: 0,
    assignedAt: null,
    firstResponseAt: null,
    awaitingReplySince: null,
    pendingSince: null,
    resolvedAt: null,
    closedAt: null,
    ...p,
  };
}

/**
 * Who may fire an event: `any` — every actor of the role; `own` — only the ticket's owner (the assignee
 * for agents, the requester for customers); `ownOrUnassigned` — the owner, or anyone while nobody owns it.
 */
type Grant = 'any' | 'own' | 'ownOrUnassigned';
interface Rule {
  from: readonly Status[];
  roles: Partial<Record<Role, Grant>>;
}

const OPEN = OPEN_STATUSES;
const LEAD = { supervisor: 'any', admin: 'any' } as const;

/** The lifecycle as data. Read a row as: this event, from these statuses, by these roles. */
export const LIFECYCLE: Record<LifecycleAction, Rule> = {
  // pending_customer: one transferred while waiting on the customer, unassigned (only unassigned tickets are claimed).
  claim: { from: ['new', 'pending_customer'], roles: { agent: 'any', ...LEAD } },
  assign: { from: OPEN, roles: { agent: 'ownOrUnassigned', ...LEAD, system: 'any' } },
  transfer: { from: OPEN, roles: { agent: 'ownOrUnassigned', ...LEAD, system: 'any' } },
  start: { from: ['assigned'], roles: { agent: 'own', ...LEAD, system: 'any' } },
  pend: { from: ['assigned', 'in_progress'], roles: { agent: 'own', ...LEAD } },
  customer_reply: { from: ['pending_customer'], roles: { customer: 'own', system: 'any' } },
  resolve: { from: ['assigned', 'in_progress', 'pending_customer'], roles: { agent: 'own', ...LEAD } },
  close: { from: [...OPEN, 'resolved'], roles: { agent: 'own', ...LEAD } },
  // system: a customer's message in the ticket's own conversation, whoever the platform says wrote it (add-reply.ts).
  reopen: { from: ['resolved', 'closed'], roles: { customer: 'own', agent: 'any', ...LEAD, system: 'any' } },
  merge: { from: OPEN, roles: { agent: 'ownOrUnassigned', ...LEAD, system: 'any' } },
  set_category: { from: [...OPEN, 'resolved'], roles: { agent: 'any', ...LEAD, system: 'any' } },
  set_priority: { from: [...OPEN, 'resolved'], roles: { agent: 'any', ...LEAD, system: 'any' } },
};

/** Extra cells beyond the table: a customer may confirm a resolved ticket closed; the system auto-closes stale ones. */
const CLOSE_EXTRA: Partial<Record<Role, { from: readonly Status[]; grant: Grant }>> = {
  customer: { from: ['resolved'], grant: 'own' },
  system: { from: ['resolved', 'pending_customer'], grant: 'any' },
};

export type TransitionResult = { ok: true; ticket: TicketState } | { ok: false; error: AppError };

function isOwner(ticket: TicketState, actor: Actor): boolean {
  if (actor.role === 'customer') return actor.customerId !== undefined && actor.customerId === ticket.customerId;
  return actor.agentId !== undefined && actor.agentId === ticket.assigneeId;
}

function ruleFor(action: LifecycleAction, role: Role): { from: readonly Status[]; grant: Grant } | undefined {
  if (action === 'close' && CLOSE_EXTRA[role]) return CLOSE_EXTRA[role];
  const rule = LIFECYCLE[action];
  const grant = rule.roles[role];
  return grant ? { from: rule.from, grant } : undefined;
}

function refuse(ticket: TicketState, action: LifecycleAction, actor: Actor): AppError {
  const number = formatTicketNumber(ticket.id);
  const params = { number, action: { key: `action.${action}` as const }, status: { key: `status.${ticket.status}` as const } };
  if (ticket.duplicateOfId !== null) {
    return AppError.user('TICKET_INVALID_TRANSITION', 'error.mergedTicket', { number, target: formatTicketNumber(ticket.duplicateOfId) });
  }
  const rule = ruleFor(action, actor.role);
  if (!rule) return AppError.user('NOT_PERMITTED', 'error.notPermitted', params, `${actor.role} may not ${action}`);
  if (action === 'claim' && ticket.assigneeId !== null && OPEN.includes(ticket.status as (typeof OPEN)[number])) {
    return ticket.assigneeId === actor.agentId
      ? AppError.user('TICKET_ALREADY_CLAIMED', 'error.alreadyYours', { number })
      : AppError.user('TICKET_ALREADY_CLAIMED', 'error.alreadyClaimed', { number, assignee: ticket.assigneeId });
  }
  if (!rule.from.includes(ticket.status)) {
    return AppError.user('TICKET_INVALID_TRANSITION', 'error.invalidTransition', params, `cannot ${action} a ${ticket.status} ticket`);
  }
  if (actor.role === 'agent' && ticket.assigneeId === null) return AppError.user('NOT_PERMITTED', 'error.claimFirst', params);
  if (actor.role === 'agent') return AppError.user('NOT_PERMITTED', 'error.notOwner', { ...params, assignee: ticket.assigneeId ?? '' });
  return AppError.user('NOT_PERMITTED', 'error.notPermitted', params);
}

function allowed(ticket: TicketState, action: LifecycleAction, actor: Actor): boolean {
  if (ticket.duplicateOfId !== null) return false;
  if (action === 'claim' && ticket.assigneeId !== null) return false;
  const rule = ruleFor(action, actor.role);
  if (!rule?.from.includes(ticket.status)) return false;
  if (rule.grant === 'any') return true;
  if (rule.grant === 'own') return isOwner(ticket, actor);
  return ticket.assigneeId === null || isOwner(ticket, actor);
}

function apply(ticket: TicketState, event: LifecycleEvent, actor: Actor, now: Date): TicketState {
  const next: TicketState = { ...ticket, version: ticket.version + 1 };
  switch (event.type) {
    case 'claim':
      // A waiting ticket keeps waiting: its new owner now gets the customer's answer.
      return { ...next, status: ticket.status === 'pending_customer' ? 'pending_customer' : 'assigned', assigneeId: actor.agentId ?? null, assignedAt: now };
    case 'assign':
      return { ...next, status: ticket.status === 'new' ? 'assigned' : ticket.status, assigneeId: event.agentId, assignedAt: now };
    case 'transfer':
      // A ticket waiting on the customer keeps waiting (clock paused, nudges armed): the customer's answer puts it in the new team's queue.
      if (ticket.status === 'pending_customer') return { ...next, teamId: event.teamId, assigneeId: null, assignedAt: null };
      return { ...next, status: 'new', teamId: event.teamId, assigneeId: null, assignedAt: null, pendingSince: null };
    case 'start':
      return { ...next, status: 'in_progress' };
    case 'pend':
      return { ...next, status: 'pending_customer', pendingSince: now, awaitingReplySince: null };
    case 'customer_reply':
      // Unassigned (transferred while waiting): into the team's queue.
      return { ...next, status: ticket.assigneeId ? 'in_progress' : 'new', pendingSince: null };
    case 'resolve':
      return { ...next, status: 'resolved', resolvedAt: now, pendingSince: null, awaitingReplySince: null };
    case 'close':
      return { ...next, status: 'closed', closedAt: now, closeReason: event.reason ?? null, pendingSince: null, awaitingReplySince: null };
    case 'reopen':
      return {
        ...next,
        status: ticket.assigneeId ? 'assigned' : 'new',
        reboundCount: ticket.reboundCount + 1,
        resolvedAt: null,
        closedAt: null,
        closeReason: null,
      };
    case 'merge':
      return { ...next, status: 'closed', closedAt: now, closeReason: 'duplicate', duplicateOfId: event.intoId, pendingSince: null, awaitingReplySince: null };
    case 'set_category':
      return { ...next, category: event.category };
    case 'set_priority':
      return { ...next, priority: event.priority };
  }
}

/**
 * The ticket lifecycle as one pure function: the next state, or an AppError (with a bilingual user
 * message) when the event is not allowed from this status or for this actor.
 */
export function transition(ticket: TicketState, event: LifecycleEvent, actor: Actor, now: Date): TransitionResult {
  if (event.type === 'merge' && event.intoId === ticket.id) {
    return { ok: false, error: AppError.user('INVALID_INPUT', 'error.mergeSelf') };
  }
  if (!allowed(ticket, event.type, actor)) return { ok: false, error: refuse(ticket, event.type, actor) };
  return { ok: true, ticket: apply(ticket, event, actor, now) };
}

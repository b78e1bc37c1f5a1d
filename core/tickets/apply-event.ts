import { AppError } from '../errors.js';
import type { NewMessage, NewNotification, TicketChange } from '../ports.js';
import { trackSla } from '../sla/clock.js';
import type { TicketDeps } from './deps.js';
import { type LifecycleEvent, transition } from './lifecycle.js';
import { formatTicketNumber } from './ticket-number.js';
import type { Actor, Ticket, TicketState } from './types.js';

const MAX_ATTEMPTS = 5;

export async function getTicket(deps: Pick<TicketDeps, 'tickets'>, id: number): Promise<Ticket> {
  const ticket = await deps.tickets.findTicket(id);
  if (!ticket) throw AppError.user('TICKET_NOT_FOUND', 'error.ticketNotFound', { number: formatTicketNumber(id) });
  return ticket;
}

const TRACKED = ['status', 'assigneeId', 'teamId', 'category', 'priority', 'reboundCount', 'duplicateOfId', 'closeReason'] as const;

/** The tracked fields that differ, as before/after objects for the event log. */
export function diffState(before: TicketState, after: TicketState): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of TRACKED) {
    if (before[key] !== after[key]) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}

export function changeOf(ticket: Ticket, next: TicketState, action: string, actor: Actor, note?: string | null): TicketChange {
  return { ticketId: ticket.id, expectedVersion: ticket.version, next, event: { action, actor, ...diffState(ticket, next), note: note ?? null } };
}

/** A change with the SLA clocks moved along (paused, resumed, retargeted) in the same write. */
export function trackedChange(
  deps: Pick<TicketDeps, 'config'>,
  ticket: Ticket,
  next: TicketState,
  now: Date,
  action: string,
  actor: Actor,
  note?: string | null,
): TicketChange {
  return { ...changeOf(ticket, next, action, actor, note), sla: trackSla(deps.config, ticket, next, now) };
}

/**
 * Applies a lifecycle event: read, run the pure transition, write only if nobody changed the ticket
 * meanwhile; on a lost race, re-read and decide again (so the loser of a claim race is told who won).
 * An optional message is stored in the same transaction (a note with a transfer, a reason with a close).
 */
export async function applyEvent(
  deps: TicketDeps,
  ticketId: number,
  event: LifecycleEvent,
  actor: Actor,
  opts: {
    note?: string | undefined;
    message?: NewMessage | undefined;
    /** Notifications to queue with the change, given the ticket after it. */
    notify?: ((next: Ticket, now: Date) => NewNotification[]) | undefined;
    /** Checked on every (re-)read before deciding: throws to give up (e.g. someone claimed it meanwhile). */
    guard?: ((current: Ticket) => void) | undefined;
    /** The assignee's load limit, checked in the write (auto-assignment). */
    capacity?: TicketChange['capacity'];
  } = {},
): Promise<Ticket> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const ticket = await getTicket(deps, ticketId);
    opts.guard?.(ticket);
    const now = deps.clock();
    const result = transition(ticket, event, actor, now);
    if (!result.ok) throw result.error;
    const change = trackedChange(deps, ticket, result.ticket, now, event.type, actor, opts.note);
    if (opts.notify) change.notifications = opts.notify({ ...ticket, ...result.ticket }, now);
    if (opts.capacity) change.capacity = opts.capacity;
    const written = opts.message
      ? (await deps.tickets.addMessage(ticketId, opts.message, change)) && (await deps.tickets.findTicket(ticketId))
      : await deps.tickets.applyChange(change);
    if (written) {
      await deps.onChange?.({ action: event.type, ticket: written, before: ticket, actor });
      return written;
    }
  }
  throw AppError.user('TICKET_CONFLICT', 'error.conflict', { number: formatTicketNumber(ticketId) }, `ticket ${ticketId}: too many concurrent changes`);
}

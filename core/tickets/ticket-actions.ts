import { AppError } from '../errors.js';
import type { NewMessage } from '../ports.js';
import { applyEvent, getTicket, trackedChange } from './apply-event.js';
import type { TicketDeps } from './deps.js';
import { transition } from './lifecycle.js';
import { assignedNotice } from './notices.js';
import { formatTicketNumber } from './ticket-number.js';
import { type Actor, type Priority, type Ticket, WORKING_STATUSES } from './types.js';

// The use cases that are one lifecycle event each, plus the checks that need the directory or config.

function internalNote(actor: Actor, body: string): NewMessage {
  return {
    visibility: 'internal',
    authorKind: actor.role === 'system' ? 'system' : 'agent',
    authorId: actor.agentId ?? null,
    authorName: actor.name ?? null,
    platform: actor.platform,
    platformMessageId: null,
    body,
  };
}

export function claimTicket(deps: TicketDeps, ticketId: number, actor: Actor): Promise<Ticket> {
  return applyEvent(deps, ticketId, { type: 'claim' }, actor);
}

export async function assignTicket(deps: TicketDeps, ticketId: number, actor: Actor, agentId: string): Promise<Ticket> {
  const agent = await deps.directory.findAgent(agentId);
  if (!agent) throw AppError.user('UNKNOWN_AGENT', 'error.unknownAgent', { who: agentId });
  if (!agent.active) throw AppError.user('UNKNOWN_AGENT', 'error.agentInactive', { who: agentId });
  const notify = actor.agentId === agentId ? undefined : (next: Ticket, now: Date) => assignedNotice(deps.config, next, now);
  return applyEvent(deps, ticketId, { type: 'assign', agentId }, actor, { notify });
}

/** Hands the ticket to another team's queue, with an optional handoff note kept as an internal message. */
export async function transferTicket(deps: TicketDeps, ticketId: number, actor: Actor, teamId: string, note?: string): Promise<Ticket> {
  if (!deps.config.teams.some((t) => t.id === teamId)) {
    throw AppError.user('UNKNOWN_TEAM', 'error.unknownTeam', { team: teamId, teams: deps.config.teams.map((t) => t.id).join(', ') });
  }
  return applyEvent(deps, ticketId, { type: 'transfer', teamId }, actor, { note, message: note ? internalNote(actor, note) : undefined });
}

export function markPending(deps: TicketDeps, ticketId: number, actor: Actor): Promise<Ticket> {
  return applyEvent(deps, ticketId, { type: 'pend' }, actor);
}

export function resolveTicket(deps: TicketDeps, ticketId: number, actor: Actor, note?: string): Promise<Ticket> {
  return applyEvent(deps, ticketId, { type: 'resolve' }, actor, { note });
}

export function closeTicket(deps: TicketDeps, ticketId: number, actor: Actor, reason?: string): Promise<Ticket> {
  return applyEvent(deps, ticketId, { type: 'close', reason }, actor, { note: reason });
}

export function reopenTicket(deps: TicketDeps, ticketId: number, actor: Actor, reason?: string): Promise<Ticket> {
  return applyEvent(deps, ticketId, { type: 'reopen' }, actor, { note: reason });
}

export async function setCategory(deps: TicketDeps, ticketId: number, actor: Actor, category: string): Promise<Ticket> {
  if (!deps.config.categories.some((c) => c.id === category)) throw AppError.user('UNKNOWN_CATEGORY', 'error.unknownCategory', { category });
  return applyEvent(deps, ticketId, { type: 'set_category', category }, actor);
}

export function setPriority(deps: TicketDeps, ticketId: number, actor: Actor, priority: Priority): Promise<Ticket> {
  return applyEvent(deps, ticketId, { type: 'set_priority', priority }, actor);
}

/** A customer waiting for an answer on the duplicate waits on the ticket it is merged into (the earlier wait counts). */
function mergedWait(duplicate: Ticket, target: Ticket): Date | null {
  const waits = [duplicate.awaitingReplySince, target.awaitingReplySince].filter((d): d is Date => d !== null);
  // As in add-reply.ts: the next-response clock runs after the first response, or on a reopened ticket.
  const answeredOrReopened = target.firstResponseAt !== null || target.reboundCount > 0;
  const tracked = answeredOrReopened && target.sla.nextResponseMs !== null && WORKING_STATUSES.has(target.status);
  if (!tracked || !waits.length) return target.awaitingReplySince;
  return new Date(Math.min(...waits.map((d) => d.getTime())));
}

/**
 * Closes a ticket as a duplicate of another open (or resolved) ticket. The merge and a version-checked
 * event on the target are written together, so two crossed merges (A→B and B→A at once) cannot both
 * succeed: the loser re-reads, finds its target closed, and is refused.
 *
 * When both tickets are the same customer's (or both nobody's), the duplicate's chat threads move to the
 * target in the same write: the conversation goes on there (their next message is added to the target,
 * replies on the target may reach that thread). Another customer's thread stays with the duplicate, so
 * that one customer's replies are never posted where the other reads; their next message there opens a
 * follow-up as on any closed ticket. The note on the target is part of that write too, so a merge is never
 * committed without it.
 */
export async function mergeTicket(deps: TicketDeps, ticketId: number, actor: Actor, intoId: number): Promise<Ticket> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const [ticket, target] = [await getTicket(deps, ticketId), await getTicket(deps, intoId)];
    if (target.duplicateOfId !== null || target.status === 'closed') {
      throw AppError.user('TICKET_INVALID_TRANSITION', 'error.invalidTransition', {
        number: target.number,
        status: { key: `status.${target.status}` },
        action: { key: 'action.merge' },
      });
    }
    const now = deps.clock();
    const result = transition(ticket, { type: 'merge', intoId }, actor, now);
    if (!result.ok) throw result.error;
    const next = { ...target, version: target.version + 1, awaitingReplySince: mergedWait(ticket, target) };
    const written = await deps.tickets.applyChanges([
      trackedChange(deps, ticket, result.ticket, now, 'merge', actor, `merged into ${target.number}`),
      {
        ...trackedChange(deps, target, next, now, 'merged_in', actor, `${ticket.number} merged into this ticket`),
        message: internalNote(actor, `${ticket.number} → ${target.number} (duplicate)`),
        ...(ticket.customerId === target.customerId ? { takeConversationsFrom: ticket.id } : {}),
      },
    ]);
    if (!written) continue;
    const [merged, kept] = [await getTicket(deps, ticketId), await getTicket(deps, intoId)];
    await deps.onChange?.({ action: 'merge', ticket: merged, before: ticket, actor });
    // The target changed too (the customer's wait, its threads): its SLA timer and chat cards follow.
    await deps.onChange?.({ action: 'merged_in', ticket: kept, before: target, actor });
    return merged;
  }
  throw AppError.user('TICKET_CONFLICT', 'error.conflict', { number: formatTicketNumber(ticketId) });
}

import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import type { NewMessage } from '../ports.js';
import { getTicket, trackedChange } from './apply-event.js';
import type { TicketDeps } from './deps.js';
import { type LifecycleEvent, transition } from './lifecycle.js';
import { agentReplyNotice } from './notices.js';
import { type Actor, SYSTEM_ACTOR, type Ticket, type TicketMessage, type TicketState, WORKING_STATUSES } from './types.js';

export interface ReplyInput {
  body: string;
  platformMessageId?: string | null | undefined;
  attachments?: NewMessage['attachments'];
}

/** The status change a public reply implies, if any. */
function sideEffect(ticket: Ticket, actor: Actor): LifecycleEvent | null {
  if (actor.role === 'customer') {
    if (ticket.status === 'pending_customer') return { type: 'customer_reply' };
    if (ticket.status === 'resolved') return { type: 'reopen' };
    return null;
  }
  if (ticket.status === 'assigned' && actor.agentId === ticket.assigneeId) return { type: 'start' };
  return null;
}

/**
 * The next-response clock after a public message: a customer writing after the first response (or on
 * a reopened ticket) starts it (when the ticket has a next-response target and it is not already running); an agent's public
 * reply stops it.
 */
function awaitingReply(ticket: Ticket, next: TicketState, actor: Actor, now: Date): Date | null {
  if (actor.role !== 'customer') return actor.role === 'system' ? next.awaitingReplySince : null;
  // A rebound that never had a first response is timed like one that had: it has no first-response clock (core/sla/clock.ts).
  const unanswered = next.firstResponseAt === null && next.reboundCount === 0;
  if (next.awaitingReplySince || unanswered || ticket.sla.nextResponseMs === null || !WORKING_STATUSES.has(next.status)) {
    return next.awaitingReplySince;
  }
  return now;
}

/** The event of a reply that changed the ticket without a lifecycle step: the first response, or the next-response clock starting or stopping. */
function replyAction(ticket: Ticket, next: TicketState): string {
  if (next.firstResponseAt !== ticket.firstResponseAt) return 'first_response';
  return next.awaitingReplySince ? 'customer_waiting' : 'next_response';
}

/**
 * Adds a public reply from a customer or an agent and moves the ticket on: an agent's first public reply
 * is the first response and starts work; later customer messages start the next-response clock, which
 * the agent's next reply stops; a customer answering a pending ticket resumes it; a customer
 * writing on a resolved ticket reopens it (a rebound). Idempotent by platform message id.
 */
export async function addReply(
  deps: TicketDeps,
  ticketId: number,
  actor: Actor,
  input: ReplyInput,
): Promise<{ ticket: Ticket; message: TicketMessage; duplicate: boolean }> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const ticket = await getTicket(deps, ticketId);
    if (ticket.status === 'closed') throw AppError.user('TICKET_INVALID_TRANSITION', 'error.closedTicket', { number: ticket.number });
    const isAgent = actor.role !== 'customer' && actor.role !== 'system';
    const now = deps.clock();
    let next: TicketState = ticket;
    const effect = sideEffect(ticket, actor);
    if (effect) {
      // Customers' messages arrive in the ticket's own conversation, which speaks for its customer: a
      // colleague in the thread, the customer writing from another account, or anyone on a ticket with
      // no customer on record answers a pending ticket or reopens a resolved one all the same. The
      // check is the system's; the event still names who wrote.
      const result = transition(ticket, effect, actor.role === 'customer' ? { ...SYSTEM_ACTOR, platform: actor.platform } : actor, now);
      if (result.ok) next = result.ticket;
    }
    if (isAgent && ticket.firstResponseAt === null) next = { ...next, firstResponseAt: now, version: ticket.version + 1 };
    const waiting = awaitingReply(ticket, next, actor, now);
    if (waiting !== next.awaitingReplySince) next = { ...next, awaitingReplySince: waiting, version: ticket.version + 1 };
    const action = next === ticket ? null : (effect?.type ?? replyAction(ticket, next));
    const message: NewMessage = {
      visibility: 'public',
      authorKind: actor.role === 'customer' ? 'customer' : actor.role === 'system' ? 'system' : 'agent',
      authorId: actor.agentId ?? (actor.customerId === undefined ? null : String(actor.customerId)),
      authorName: actor.name ?? null,
      platform: actor.platform,
      platformMessageId: input.platformMessageId ?? null,
      body: input.body,
      attachments: input.attachments,
    };
    // An agent's reply reaches the customer wherever they wrote: relayed through the outbox, with the message.
    const relay = isAgent
      ? [
          agentReplyNotice(
            ticket,
            {
              id: input.platformMessageId ? `${actor.platform}:${input.platformMessageId}` : randomUUID(),
              name: actor.name ?? actor.agentId ?? '',
              body: input.body,
              shownOn: input.platformMessageId ? actor.platform : null,
            },
            now,
          ),
        ]
      : [];
    // With a next-response target, the clock decision read the ticket: a concurrent reply must not slip past it.
    const atVersion = !action && ticket.sla.nextResponseMs !== null ? ticket.version : undefined;
    const change = action ? trackedChange(deps, ticket, next, now, action, actor) : undefined;
    const stored = await deps.tickets.addMessage(ticketId, message, change, relay, atVersion);
    if (stored) {
      const after = action && !stored.duplicate ? await getTicket(deps, ticketId) : ticket;
      if (action && !stored.duplicate) await deps.onChange?.({ action, ticket: after, before: ticket, actor });
      return { ticket: after, message: stored.message, duplicate: stored.duplicate };
    }
  }
  throw AppError.user('TICKET_CONFLICT', 'error.conflict', { number: String(ticketId) });
}

import { AppError } from '../errors.js';
import { changeOf, getTicket } from './apply-event.js';
import type { TicketDeps } from './deps.js';
import type { Actor, Ticket, TicketMessage } from './types.js';

/**
 * Adds an internal note: staff only, never shown to customers, allowed in every status (closed too).
 * The note is also an event in the ticket's log, written in the same transaction.
 */
export async function addNote(
  deps: TicketDeps,
  ticketId: number,
  actor: Actor,
  body: string,
  platformMessageId?: string,
): Promise<{ ticket: Ticket; message: TicketMessage }> {
  if (actor.role === 'customer') throw AppError.user('NOT_PERMITTED', 'error.notAgent');
  for (let attempt = 1; attempt <= 5; attempt++) {
    const ticket = await getTicket(deps, ticketId);
    const change = changeOf(ticket, { ...ticket, version: ticket.version + 1 }, 'note', actor, body);
    const stored = await deps.tickets.addMessage(
      ticketId,
      {
        visibility: 'internal',
        authorKind: actor.role === 'system' ? 'system' : 'agent',
        authorId: actor.agentId ?? null,
        authorName: actor.name ?? null,
        platform: actor.platform,
        platformMessageId: platformMessageId ?? null,
        body,
      },
      change,
    );
    if (stored) {
      const after = stored.duplicate ? ticket : await getTicket(deps, ticketId);
      if (!stored.duplicate) await deps.onChange?.({ action: 'note', ticket: after, before: ticket, actor });
      return { ticket: after, message: stored.message };
    }
  }
  throw AppError.user('TICKET_CONFLICT', 'error.conflict', { number: String(ticketId) });
}

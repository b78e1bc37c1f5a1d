import { AppError } from '../errors.js';
import { getTicket } from './apply-event.js';
import type { TicketDeps } from './deps.js';
import type { Actor, Ticket, TicketMessage } from './types.js';

/** Adds an internal note: staff only, never shown to customers. Allowed in every status, closed included. */
export async function addNote(
  deps: TicketDeps,
  ticketId: number,
  actor: Actor,
  body: string,
  platformMessageId?: string,
): Promise<{ ticket: Ticket; message: TicketMessage }> {
  if (actor.role === 'customer') throw AppError.user('NOT_PERMITTED', 'error.notAgent');
  const ticket = await getTicket(deps, ticketId);
  const stored = await deps.tickets.addMessage(ticketId, {
    visibility: 'internal',
    authorKind: actor.role === 'system' ? 'system' : 'agent',
    authorId: actor.agentId ?? null,
    authorName: actor.name ?? null,
    platform: actor.platform,
    platformMessageId: platformMessageId ?? null,
    body,
  });
  if (!stored) throw new AppError('INTERNAL', { message: 'note without a change cannot conflict' });
  return { ticket, message: stored.message };
}

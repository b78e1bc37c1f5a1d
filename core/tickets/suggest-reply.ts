import { AppError } from '../errors.js';
import type { ReplySuggestion } from '../ports.js';
import { getTicket } from './apply-event.js';
import type { TicketDeps } from './deps.js';
import type { Actor } from './types.js';

const STAFF = new Set(['agent', 'supervisor', 'admin']);

/**
 * Suggests a reply for a ticket (the "Suggest reply" button): the knowledge base is asked about the
 * ticket's description and the customer's latest public messages, which carry what is still open.
 */
export async function suggestReply(deps: TicketDeps, ticketId: number, actor: Actor): Promise<ReplySuggestion> {
  if (!STAFF.has(actor.role)) throw AppError.user('NOT_PERMITTED', 'error.notAgent');
  const ticket = await getTicket(deps, ticketId);
  if (!deps.suggester) return { reply: null, drafted: false, sources: [] };
  const messages = await deps.tickets.listMessages(ticketId, { includeInternal: false });
  const latest = messages
    .filter((m) => m.authorKind === 'customer')
    .slice(-3)
    .map((m) => m.body);
  const text = [...new Set([ticket.description, ...latest])].join('\n');
  return deps.suggester.suggest({ text, language: ticket.language });
}

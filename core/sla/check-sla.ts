import { AppError } from '../errors.js';
import type { TicketDeps } from '../tickets/deps.js';
import { formatTicketNumber } from '../tickets/ticket-number.js';
import { SYSTEM_ACTOR, type Ticket } from '../tickets/types.js';
import { dueStages } from './clock.js';
import { fireStages } from './fire-stages.js';

/**
 * Wakes a ticket's SLA: fires every stage that is due and has not fired (reminders, breach flags and
 * escalation, customer nudges, auto-close). Idempotent: a duplicate or late wake-up re-reads the
 * ticket and does nothing when nothing is due. Returns the ticket as it is now (null if it is gone).
 */
export async function checkSla(deps: TicketDeps, ticketId: number): Promise<Ticket | null> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const ticket = await deps.tickets.findTicket(ticketId);
    if (!ticket) return null;
    const now = deps.clock();
    const due = dueStages(deps.config, ticket, now);
    if (!due.length) return ticket;
    const changes = fireStages(deps.config, ticket, due, now);
    if (await deps.tickets.applyChanges(changes)) {
      const last = changes.at(-1);
      // What was written, without reading it back (only updatedAt differs from a fresh read).
      const after: Ticket = last?.sla ? { ...ticket, ...last.next, sla: last.sla } : ticket;
      await deps.onChange?.({ action: changes.at(-1)?.event.action ?? 'sla', ticket: after, before: ticket, actor: SYSTEM_ACTOR });
      return after;
    }
  }
  throw new AppError('TICKET_CONFLICT', { message: `SLA check of ${formatTicketNumber(ticketId)} lost five version races in a row` });
}

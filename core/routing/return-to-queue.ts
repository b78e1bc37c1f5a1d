// Tickets must not sit with someone who cannot work them. A ticket goes back to its team's queue (a
// system transfer to the same team: unassigned and new, so routing or a claim picks it up) when:
// - it is reopened while its assignee is off duty or no longer in the config (a rebound is new work);
// - its customer answers while its assignee is no longer in the config;
// - its assignee is removed from the config (at start, after the directory sync), unless it waits on
//   the customer: the customer's answer then returns it.
import type { AgentRecord } from '../ports.js';
import { applyEvent } from '../tickets/apply-event.js';
import type { TicketChanged, TicketDeps } from '../tickets/deps.js';
import { SYSTEM_ACTOR, type Ticket } from '../tickets/types.js';

export type ReturnReason = 'assignee_inactive' | 'assignee_off_duty';

const PAGE = 500;

/** The ticket changed hands before it could be returned: nothing to do. */
class MovedMeanwhile extends Error {}

/**
 * Why the ticket's assignee cannot take up this change, or null when they can (or nobody owns it, or
 * the change needs nobody). The agent is looked up only for a reopen or a customer's answer.
 */
export async function absentAssignee(
  change: Pick<TicketChanged, 'action' | 'ticket'>,
  findAgent: (id: string) => Promise<AgentRecord | null>,
): Promise<ReturnReason | null> {
  const { action, ticket } = change;
  if (!ticket.assigneeId || !ticket.teamId) return null;
  if (action !== 'reopen' && action !== 'customer_reply') return null;
  const agent = await findAgent(ticket.assigneeId);
  if (!agent?.active) return 'assignee_inactive';
  return action === 'reopen' && !agent.onDuty ? 'assignee_off_duty' : null;
}

/** Hands the ticket back to its team's queue; the reason is the event's note. Null if it moved meanwhile. */
export async function returnToQueue(deps: TicketDeps, ticket: Ticket, reason: ReturnReason): Promise<Ticket | null> {
  const { teamId, assigneeId } = ticket;
  if (!teamId || !assigneeId) return null;
  return applyEvent(deps, ticket.id, { type: 'transfer', teamId }, SYSTEM_ACTOR, {
    note: reason,
    // Only while it still belongs to the same absent agent: someone may have claimed it meanwhile.
    guard: (current) => {
      if (current.assigneeId !== assigneeId || current.teamId !== teamId) throw new MovedMeanwhile();
    },
  }).catch((error: unknown) => {
    if (error instanceof MovedMeanwhile) return null;
    throw error;
  });
}

/** Returns the working tickets of agents removed from the config to their queues. Returns how many moved. */
export async function returnFromInactive(deps: TicketDeps): Promise<number> {
  let moved = 0;
  for (const agent of await deps.directory.listAgents()) {
    if (agent.active) continue;
    // In pages until none is left (a page in which nothing could move ends it: someone else holds those now).
    for (;;) {
      const tickets = await deps.tickets.listTickets({ assigneeId: agent.id, statuses: ['assigned', 'in_progress'], limit: PAGE });
      let movedNow = 0;
      for (const ticket of tickets) if (await returnToQueue(deps, ticket, 'assignee_inactive')) movedNow++;
      moved += movedNow;
      if (tickets.length < PAGE || movedNow === 0) break;
    }
  }
  return moved;
}

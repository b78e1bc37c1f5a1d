import type { TicketDeps } from '../tickets/deps.js';
import { type Actor, OPEN_STATUSES, type Priority, type Ticket } from '../tickets/types.js';

/**
 * Interim "breaching" rule until SLA clocks land (issue 4): an open ticket older than the default
 * resolution target of its priority, counted in wall-clock hours.
 */
export const DEFAULT_RESOLUTION_HOURS: Record<Priority, number> = { P1: 4, P2: 24, P3: 48, P4: 72 };

export async function listTickets(deps: TicketDeps, scope: 'mine' | 'open' | 'team' | 'breaching', actor: Actor, limit = 50): Promise<Ticket[]> {
  const open = { statuses: OPEN_STATUSES, limit };
  switch (scope) {
    case 'mine':
      return deps.tickets.listTickets({ ...open, assigneeId: actor.agentId ?? '' });
    case 'team': {
      const agent = actor.agentId ? await deps.directory.findAgent(actor.agentId) : null;
      return agent?.teamId ? deps.tickets.listTickets({ ...open, teamId: agent.teamId }) : [];
    }
    case 'open':
      return deps.tickets.listTickets(open);
    case 'breaching': {
      const now = deps.clock().getTime();
      const all = await deps.tickets.listTickets({ ...open, limit: 1000 });
      return all.filter((x) => now - x.createdAt.getTime() > DEFAULT_RESOLUTION_HOURS[x.priority] * 3_600_000).slice(0, limit);
    }
  }
}

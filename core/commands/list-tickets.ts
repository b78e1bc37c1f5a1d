import { slaReport } from '../sla/sla-report.js';
import type { TicketDeps } from '../tickets/deps.js';
import { type Actor, OPEN_STATUSES, type Ticket } from '../tickets/types.js';

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
      // Breached first, then at risk, each by deadline.
      const report = await slaReport(deps);
      return [...report.breached, ...report.atRisk].map((r) => r.ticket).slice(0, limit);
    }
  }
}

import type { TicketListFilter } from '../ports.js';
import { slaReport } from '../sla/sla-report.js';
import type { TicketDeps } from '../tickets/deps.js';
import { type Actor, OPEN_STATUSES, type Ticket } from '../tickets/types.js';

export type ListScope = 'mine' | 'open' | 'team' | 'breaching';

/** The store filter of a scope; null when the scope holds nothing (an agent without a team). Not for 'breaching'. */
async function scopeFilter(deps: TicketDeps, scope: Exclude<ListScope, 'breaching'>, actor: Actor): Promise<TicketListFilter | null> {
  const open = { statuses: OPEN_STATUSES };
  switch (scope) {
    case 'mine':
      return { ...open, assigneeId: actor.agentId ?? '' };
    case 'team': {
      const agent = actor.agentId ? await deps.directory.findAgent(actor.agentId) : null;
      return agent?.teamId ? { ...open, teamId: agent.teamId } : null;
    }
    case 'open':
      return open;
  }
}

/** Breached first, then at risk, each by deadline. */
async function breaching(deps: TicketDeps): Promise<Ticket[]> {
  const report = await slaReport(deps);
  return [...report.breached, ...report.atRisk].map((r) => r.ticket);
}

export async function listTickets(deps: TicketDeps, scope: ListScope, actor: Actor, limit = 50): Promise<Ticket[]> {
  if (scope === 'breaching') return (await breaching(deps)).slice(0, limit);
  const filter = await scopeFilter(deps, scope, actor);
  return filter ? deps.tickets.listTickets({ ...filter, limit }) : [];
}

/**
 * `limit` tickets of a scope from `offset` on (in the list's order) and how many it holds in all, so that
 * a list cut short can say so and a client can page.
 */
export async function listTicketsWithTotal(
  deps: TicketDeps,
  scope: ListScope,
  actor: Actor,
  limit = 50,
  offset = 0,
): Promise<{ tickets: Ticket[]; total: number }> {
  if (scope === 'breaching') {
    const all = await breaching(deps);
    return { tickets: all.slice(offset, offset + limit), total: all.length };
  }
  const filter = await scopeFilter(deps, scope, actor);
  if (!filter) return { tickets: [], total: 0 };
  const [tickets, total] = await Promise.all([deps.tickets.listTickets({ ...filter, limit, offset }), deps.tickets.countTickets(filter)]);
  // Two reads: a change between them may leave the count short of the page; never say fewer than are shown.
  return { tickets, total: tickets.length ? Math.max(total, offset + tickets.length) : total };
}

import { changeOf } from '../tickets/apply-event.js';
import type { TicketDeps } from '../tickets/deps.js';
import { SYSTEM_ACTOR } from '../tickets/types.js';
import { initialSla } from './clock.js';

/**
 * Gives SLA clocks to open tickets that have none: opened before the SLA upgrade, or while the policy set
 * no targets. Their clocks start now, as if the time before had been paused, so an upgrade never floods
 * the team with breaches of targets that did not exist when those tickets were opened. Version-checked:
 * several processes starting at once backfill each ticket once. Returns how many tickets got clocks.
 */
export async function backfillSla(deps: Pick<TicketDeps, 'tickets' | 'config' | 'clock'>): Promise<number> {
  let started = 0;
  for (let after = 0; ; ) {
    const page = await deps.tickets.listUnclocked(after, 200);
    const last = page.at(-1);
    if (!last) return started;
    after = last.id;
    const now = deps.clock();
    for (const ticket of page) {
      // A ticket long pending on the customer starts its nudge clock now too: a first nudge, then the
      // auto-close after it, never an auto-close without the warning.
      const next = { ...ticket, version: ticket.version + 1, ...(ticket.status === 'pending_customer' ? { pendingSince: now } : {}) };
      // The clocks count from now, for good: later changes recompute deadlines from `startedAt`.
      const sla = { ...initialSla(deps.config, { ...next, createdAt: now }), startedAt: now };
      if (sla.firstResponseMs === null && sla.resolutionMs === null && sla.nextResponseMs === null) continue; // the policy still sets no targets
      const change = { ...changeOf(ticket, next, 'sla_started', SYSTEM_ACTOR), sla };
      if (await deps.tickets.applyChanges([change])) started++;
    }
  }
}

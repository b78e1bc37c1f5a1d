import { createHash } from 'node:crypto';
import type { AppConfig } from '../config.js';
import { changeOf } from '../tickets/apply-event.js';
import type { TicketDeps } from '../tickets/deps.js';
import { type SlaState, SYSTEM_ACTOR, type Ticket } from '../tickets/types.js';
import { trackSla } from './clock.js';

const SETTING = 'sla.policyFingerprint';

/** What the SLA deadlines depend on in the config: the policy, the calendars and which team uses which. */
export function slaPolicyFingerprint(config: AppConfig): string {
  const teams = config.teams.map((t) => [t.id, t.calendar ?? null]).sort();
  return createHash('sha256')
    .update(JSON.stringify({ sla: config.sla, calendars: config.calendars, teams }))
    .digest('hex');
}

const ms = (d: Date | null) => d?.getTime() ?? null;
function sameClocks(a: SlaState, b: SlaState): boolean {
  return (
    a.firstResponseMs === b.firstResponseMs &&
    a.resolutionMs === b.resolutionMs &&
    a.nextResponseMs === b.nextResponseMs &&
    ms(a.firstResponseDueAt) === ms(b.firstResponseDueAt) &&
    ms(a.resolutionDueAt) === ms(b.resolutionDueAt) &&
    ms(a.nextResponseDueAt) === ms(b.nextResponseDueAt) &&
    ms(a.nextCheckAt) === ms(b.nextCheckAt)
  );
}

/**
 * After the SLA policy, a calendar or a team's calendar changed in the config, open tickets get the new
 * targets and deadlines (counted from their clocks' start, time paused kept; reminders already sent are
 * not sent again). Runs at start; the fingerprint of the policy in effect is kept in the database, so an
 * unchanged config costs one read. On the first start with this feature, the fingerprint is only
 * recorded. Version-checked per ticket. Returns how many tickets got new deadlines.
 */
export async function retargetOnPolicyChange(deps: Pick<TicketDeps, 'tickets' | 'config' | 'clock'>): Promise<number> {
  const fingerprint = slaPolicyFingerprint(deps.config);
  const stored = await deps.tickets.getSetting(SETTING);
  if (stored === fingerprint) return 0;
  let changed = 0;
  let missed = 0;
  if (stored !== null) {
    for (let after = 0; ; ) {
      const page = await deps.tickets.listClocked(after, 200);
      const last = page.at(-1);
      if (!last) break;
      after = last.id;
      for (const ticket of page) {
        const outcome = await retargetOne(deps, ticket);
        if (outcome === 'changed') changed++;
        else if (outcome === 'missed') missed++;
      }
    }
  }
  // A ticket that kept losing its write (changed by agents or the SLA sweep meanwhile) would keep the old
  // targets for good once the policy is recorded as applied: the next start tries again instead.
  if (missed === 0) await deps.tickets.setSetting(SETTING, fingerprint);
  return changed;
}

const ATTEMPTS = 5;

/** Applies the policy in effect to one ticket; on a lost race, re-reads it and decides again. */
async function retargetOne(deps: Pick<TicketDeps, 'tickets' | 'config' | 'clock'>, listed: Ticket): Promise<'changed' | 'same' | 'missed'> {
  let ticket: Ticket | null = listed;
  for (let attempt = 1; attempt <= ATTEMPTS && ticket; attempt++) {
    // Closed (or merged) since it was listed: it keeps the deadlines it had, as closed tickets do.
    if (ticket.status === 'closed') return 'same';
    const sla = trackSla(deps.config, ticket, ticket, deps.clock(), { retarget: true });
    if (sameClocks(sla, ticket.sla)) return 'same';
    const change = { ...changeOf(ticket, { ...ticket, version: ticket.version + 1 }, 'sla_retargeted', SYSTEM_ACTOR), sla };
    if (await deps.tickets.applyChanges([change])) return 'changed';
    ticket = await deps.tickets.findTicket(ticket.id);
  }
  return ticket ? 'missed' : 'same';
}

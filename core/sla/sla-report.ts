import type { MessageKey } from '../i18n/translate.js';
import type { TicketDeps } from '../tickets/deps.js';
import { OPEN_STATUSES, type Ticket } from '../tickets/types.js';
import { deadlineOf, type SlaClock, STAGE_CLOCK, stagesOf } from './clock.js';

export type { SlaClock } from './clock.js';

/** The catalogue key naming a clock in reports. */
export const CLOCK_LABEL: Record<SlaClock, MessageKey> = {
  first_response: 'sla.firstResponse',
  resolution: 'sla.resolution',
  next_response: 'sla.nextResponse',
};

export interface SlaRow {
  ticket: Ticket;
  state: 'breached' | 'at_risk';
  clock: SlaClock;
  dueAt: Date;
}

export interface SlaReport {
  breached: SlaRow[];
  atRisk: SlaRow[];
}

/** How a ticket stands against its clocks at `now`: breached (a deadline passed), at risk (past the warning share), or fine (null). */
export function slaStanding(deps: Pick<TicketDeps, 'config'>, ticket: Ticket, now: Date): SlaRow | null {
  let risk: SlaRow | null = null;
  for (const stage of stagesOf(deps.config, ticket)) {
    if (stage.at.getTime() > now.getTime()) continue;
    const of = STAGE_CLOCK[stage.kind];
    const dueAt = of && deadlineOf(ticket.sla, of.clock);
    if (!of || !dueAt) continue;
    if (of.step === 'breach') return { ticket, state: 'breached', clock: of.clock, dueAt };
    risk ??= { ticket, state: 'at_risk', clock: of.clock, dueAt };
  }
  return risk;
}

/** Open tickets that breached or are at risk, most urgent first (earliest deadline). Pages through every ticket with clocks. */
export async function slaReport(
  deps: Pick<TicketDeps, 'config' | 'tickets' | 'clock'>,
  opts: { teamId?: string | undefined; pageSize?: number } = {},
): Promise<SlaReport> {
  const pageSize = opts.pageSize ?? 500;
  const now = deps.clock();
  const open = new Set<string>(OPEN_STATUSES);
  const rows: SlaRow[] = [];
  for (let after = 0; ; ) {
    const page = await deps.tickets.listClocked(after, pageSize);
    for (const t of page) {
      if (!open.has(t.status) || (opts.teamId !== undefined && t.teamId !== opts.teamId)) continue;
      const row = slaStanding(deps, t, now);
      if (row) rows.push(row);
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) break;
    after = last.id;
  }
  rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  return { breached: rows.filter((r) => r.state === 'breached'), atRisk: rows.filter((r) => r.state === 'at_risk') };
}

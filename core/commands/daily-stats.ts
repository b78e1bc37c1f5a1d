import { type Lang, t } from '../i18n/translate.js';
import type { TicketListFilter } from '../ports.js';
import { displayZone } from '../sla/clock.js';
import { formatDuration } from '../sla/duration.js';
import { slaReport } from '../sla/sla-report.js';
import { DAY_MS, localDayOf, wallResolverForDay } from '../sla/time-zone.js';
import type { TicketDeps } from '../tickets/deps.js';

export interface DailyStats {
  /** Local midnight the figures count from, and the zone it is in. */
  since: Date;
  timeZone: string;
  created: number;
  resolved: number;
  closed: number;
  open: { total: number; new: number; working: number; pending: number };
  sla: { breached: number; atRisk: number };
  /** Median time to first response of today's tickets that have one (wall-clock ms); null when none. */
  firstResponseMedianMs: number | null;
}

/** The zone "today" is counted in: the default team's calendar, else the server's. */
function zoneOf(deps: TicketDeps): string {
  return displayZone(deps.config, deps.config.defaultTeam) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Today's figures for managers (`stats` / `统计`): since local midnight in the shop's time zone. */
export async function dailyStats(deps: TicketDeps): Promise<DailyStats> {
  const now = deps.clock();
  const timeZone = zoneOf(deps);
  const day = localDayOf(timeZone, now.getTime());
  const since = new Date(wallResolverForDay(timeZone, day)(day * DAY_MS));
  // Counted by the database, so the figures stay exact on a busy day (a list read is capped).
  const count = (filter: TicketListFilter) => deps.tickets.countTickets(filter);
  const [created, resolved, closed, fresh, working, pending, sample, report] = await Promise.all([
    count({ createdSince: since }),
    count({ resolvedSince: since }),
    count({ closedSince: since }),
    count({ statuses: ['new'] }),
    count({ statuses: ['assigned', 'in_progress'] }),
    count({ statuses: ['pending_customer'] }),
    // The median needs the tickets themselves: up to 10,000 of today's.
    deps.tickets.listTickets({ createdSince: since, limit: 10_000 }),
    slaReport(deps),
  ]);
  const waits = sample
    .filter((x) => x.firstResponseAt)
    .map((x) => (x.firstResponseAt?.getTime() ?? 0) - x.createdAt.getTime())
    .sort((a, b) => a - b);
  const mid = Math.floor(waits.length / 2);
  const median = waits.length === 0 ? null : waits.length % 2 ? (waits[mid] ?? 0) : ((waits[mid - 1] ?? 0) + (waits[mid] ?? 0)) / 2;
  return {
    since,
    timeZone,
    created,
    resolved,
    closed,
    // The open statuses are exactly these three groups: the total is their sum, so the figures always add up.
    open: { total: fresh + working + pending, new: fresh, working, pending },
    sla: { breached: report.breached.length, atRisk: report.atRisk.length },
    firstResponseMedianMs: median,
  };
}

export function renderDailyStats(stats: DailyStats, lang: Lang): string {
  return t(lang, 'reply.stats', {
    date: new Intl.DateTimeFormat('sv-SE', { timeZone: stats.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(stats.since),
    zone: stats.timeZone,
    created: stats.created,
    resolved: stats.resolved,
    closed: stats.closed,
    open: stats.open.total,
    new: stats.open.new,
    working: stats.open.working,
    pending: stats.open.pending,
    breached: stats.sla.breached,
    atRisk: stats.sla.atRisk,
    firstResponse: stats.firstResponseMedianMs === null ? t(lang, 'reply.none') : formatDuration(stats.firstResponseMedianMs, lang),
  });
}

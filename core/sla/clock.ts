import type { AppConfig } from '../config.js';
import { type SlaState, type Status, type TicketState, WORKING_STATUSES } from '../tickets/types.js';
import { addBusinessTime, type BusinessCalendar, businessTimeBetween } from './business-hours.js';
import { targetsFor } from './policy.js';

// The SLA clocks as pure functions of the ticket, the config and the time. Deadlines are business time
// from the clocks' start (the ticket's creation, or the backfill): resolution = start + target + time
// paused. First response never pauses. The optional next-response clock starts when a customer writes
// after the first response and nobody has answered yet, and stops at the agent's next public reply.

/** While waiting on the customer, resolved or closed, the resolution clock stands still. */
const PAUSED: ReadonlySet<Status> = new Set(['pending_customer', 'resolved', 'closed']);

export type StageKind =
  | 'fr_warning'
  | 'fr_breach'
  | 'res_warning'
  | 'res_breach'
  | 'nr_warning'
  | 'nr_breach'
  | 'pending_nudge'
  | 'pending_close'
  | 'resolved_close';

export type SlaClock = 'first_response' | 'resolution' | 'next_response';

/** The clock a warning or breach belongs to, and which of the two it is (nudges and auto-closes have none). */
export const STAGE_CLOCK: Partial<Record<StageKind, { clock: SlaClock; step: 'warning' | 'breach' }>> = {
  fr_warning: { clock: 'first_response', step: 'warning' },
  fr_breach: { clock: 'first_response', step: 'breach' },
  res_warning: { clock: 'resolution', step: 'warning' },
  res_breach: { clock: 'resolution', step: 'breach' },
  nr_warning: { clock: 'next_response', step: 'warning' },
  nr_breach: { clock: 'next_response', step: 'breach' },
};

/** A clock's deadline. */
export function deadlineOf(sla: SlaState, clock: SlaClock): Date | null {
  if (clock === 'first_response') return sla.firstResponseDueAt;
  return clock === 'next_response' ? sla.nextResponseDueAt : sla.resolutionDueAt;
}

export interface Stage {
  kind: StageKind;
  at: Date;
  /** What the stage is recorded under once fired, when not its due time (next response: the wait it belongs to). */
  key?: string;
}

/** What the SLA functions read from a ticket. */
export interface SlaSubject extends TicketState {
  createdAt: Date;
  customerTier: string;
  sla: SlaState;
}

export function calendarFor(config: AppConfig, teamId: string | null): BusinessCalendar | null {
  const name = config.teams.find((t) => t.id === teamId)?.calendar;
  return name === undefined || !Object.hasOwn(config.calendars, name) ? null : (config.calendars[name] ?? null);
}

/**
 * The time zone deadlines are shown in: the team's calendar's, else the default team's (a 24/7 team
 * still sits in the shop's zone), else the server's (undefined).
 */
export function displayZone(config: AppConfig, teamId: string | null): string | undefined {
  return (calendarFor(config, teamId) ?? calendarFor(config, config.defaultTeam))?.timezone;
}

export const EMPTY_SLA: SlaState = {
  firstResponseMs: null,
  resolutionMs: null,
  nextResponseMs: null,
  firstResponseDueAt: null,
  resolutionDueAt: null,
  nextResponseDueAt: null,
  startedAt: null,
  pausedSince: null,
  pausedMs: 0,
  firstResponseBreachedAt: null,
  resolutionBreachedAt: null,
  nextResponseBreachedAt: null,
  stages: {},
  nextCheckAt: null,
};

/** Where the clocks count from: the ticket's creation, or when the backfill gave it clocks. */
function clockStart(t: { createdAt: Date; sla: SlaState }): Date {
  return t.sla.startedAt ?? t.createdAt;
}

/** Every reminder stage that applies to the ticket in its current status, with its due time. */
export function stagesOf(config: AppConfig, t: SlaSubject): Stage[] {
  const cal = calendarFor(config, t.teamId);
  const { sla } = t;
  const warnAt = config.sla.warnAt;
  const stages: Stage[] = [];
  if (t.status === 'closed' || t.duplicateOfId !== null) return stages;
  // First response is the first contact's clock: a ticket resolved without a public reply and reopened
  // (a rebound) is timed by its new resolution clock and the next-response clock, not by a first-response
  // deadline that passed while it was resolved (that breached the moment it was reopened).
  if (t.firstResponseAt === null && t.status !== 'resolved' && t.reboundCount === 0 && sla.firstResponseMs !== null && sla.firstResponseDueAt) {
    stages.push({ kind: 'fr_warning', at: addBusinessTime(cal, clockStart(t), sla.firstResponseMs * warnAt) });
    stages.push({ kind: 'fr_breach', at: sla.firstResponseDueAt });
  }
  if (!PAUSED.has(t.status) && sla.resolutionMs !== null && sla.resolutionDueAt) {
    stages.push({ kind: 'res_warning', at: addBusinessTime(cal, clockStart(t), sla.resolutionMs * warnAt + sla.pausedMs) });
    stages.push({ kind: 'res_breach', at: sla.resolutionDueAt });
  }
  if (WORKING_STATUSES.has(t.status) && t.awaitingReplySince && sla.nextResponseMs !== null && sla.nextResponseDueAt) {
    const key = t.awaitingReplySince.toISOString();
    stages.push({ kind: 'nr_warning', at: addBusinessTime(cal, t.awaitingReplySince, sla.nextResponseMs * warnAt), key });
    stages.push({ kind: 'nr_breach', at: sla.nextResponseDueAt, key });
  }
  const { nudgeAfter, closeAfter } = config.sla.pendingCustomer;
  // Keyed by the start of the wait, not the due time: changing a timer in the config must not nudge
  // again everyone already nudged.
  if (t.status === 'pending_customer' && t.pendingSince) {
    const key = t.pendingSince.toISOString();
    if (nudgeAfter !== null) stages.push({ kind: 'pending_nudge', at: new Date(t.pendingSince.getTime() + nudgeAfter), key });
    if (closeAfter !== null) stages.push({ kind: 'pending_close', at: new Date(t.pendingSince.getTime() + closeAfter), key });
  }
  if (t.status === 'resolved' && t.resolvedAt && config.sla.resolvedCloseAfter !== null) {
    stages.push({ kind: 'resolved_close', at: new Date(t.resolvedAt.getTime() + config.sla.resolvedCloseAfter), key: t.resolvedAt.toISOString() });
  }
  return stages;
}

/** Stages that fire at most once per clock, however their deadline moves later (a pause, a retarget). */
const ONCE: ReadonlySet<StageKind> = new Set(['fr_warning', 'fr_breach', 'res_warning', 'res_breach']);

/** Whether a stage fires once per clock (warnings and breaches of first response and resolution) rather than once per wait or due time. */
export function firesOncePerClock(kind: StageKind): boolean {
  return ONCE.has(kind);
}

/** What a fired stage is recorded as: the start of its wait (next response, waiting on the customer, resolved) or its due time. */
export function stageKey(stage: Stage): string {
  return stage.key ?? stage.at.toISOString();
}

/**
 * Whether a stage has fired. Warnings and breaches fire once per clock (the first-response clock runs
 * once; the resolution clock starts again on reopen), so a deadline that moves does not repeat them;
 * next-response, waiting-on-customer and resolved stages fire once per wait, told apart by its start.
 */
export function hasFired(sla: SlaState, stage: Stage): boolean {
  const recorded = sla.stages[stage.kind];
  if (ONCE.has(stage.kind)) return recorded !== undefined;
  // Recorded by their due time until 2026-12-07: still recognised, so the upgrade repeats none of them.
  return recorded === stageKey(stage) || (WAIT_KEYED.has(stage.kind) && recorded === stage.at.toISOString());
}

/** Stages keyed by the start of their wait since 2026-12-07 (by due time before). */
const WAIT_KEYED: ReadonlySet<StageKind> = new Set(['pending_nudge', 'pending_close', 'resolved_close']);

/** Stages due at `now` that have not fired yet, in order of due time. */
export function dueStages(config: AppConfig, t: SlaSubject, now: Date): Stage[] {
  return stagesOf(config, t)
    .filter((s) => s.at.getTime() <= now.getTime() && !hasFired(t.sla, s))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** When the scheduler must next wake up for this ticket: the earliest stage not yet fired. */
export function nextCheckAt(config: AppConfig, t: SlaSubject): Date | null {
  let next: number | null = null;
  for (const s of stagesOf(config, t)) {
    if (hasFired(t.sla, s)) continue;
    if (next === null || s.at.getTime() < next) next = s.at.getTime();
  }
  return next === null ? null : new Date(next);
}

/**
 * The time paused (`pausedMs`, business time on `from`, up to `until`) restated on calendar `to`, so
 * that the resolution time already used is carried over and what is left counts on the new calendar
 * from now: used = business time on `from` since the start, less the pause; the pause on `to` is then
 * its business time since the start, less the same use. It may be negative (the new calendar had less
 * business time since the start than was used): the deadline is then nearer, never the time used lost.
 * Adding the old figure to a start on the new calendar put a transferred ticket's deadline days in the
 * past (a long wait on the customer measured on office hours, replayed on a 24/7 calendar).
 */
export function pauseOnCalendar(from: BusinessCalendar | null, to: BusinessCalendar | null, start: Date, until: Date, pausedMs: number): number {
  const used = businessTimeBetween(from, start, until) - pausedMs;
  return businessTimeBetween(to, start, until) - used;
}

/** The clocks of a new ticket. */
export function initialSla(config: AppConfig, t: Omit<SlaSubject, 'sla'>): SlaState {
  return trackSla(config, { ...t, sla: EMPTY_SLA }, t, t.createdAt, { retarget: true });
}

/**
 * The clocks after a change from `before` to `next`: targets follow priority, category and tier (unless
 * `keepTargets`, for a priority raised by an escalation); the resolution clock pauses and resumes with
 * the status; deadlines are recomputed on the (possibly new) team's calendar.
 */
export function trackSla(
  config: AppConfig,
  before: SlaSubject,
  next: TicketState,
  now: Date,
  opts: { keepTargets?: boolean; retarget?: boolean } = {},
): SlaState {
  const cal = calendarFor(config, next.teamId);
  const prev = before.sla;
  const retarget = opts.retarget || (!opts.keepTargets && (before.priority !== next.priority || before.category !== next.category));
  const targets = retarget
    ? targetsFor(config.sla, { priority: next.priority, category: next.category, customerTier: before.customerTier })
    : { firstResponseMs: prev.firstResponseMs, resolutionMs: prev.resolutionMs, nextResponseMs: prev.nextResponseMs };
  let { pausedSince, pausedMs } = prev;
  // Moved to a team on another calendar: the business time paused so far was measured on the old one.
  const oldCal = calendarFor(config, before.teamId);
  if (oldCal !== cal) pausedMs = pauseOnCalendar(oldCal, cal, clockStart(before), pausedSince ?? now, pausedMs);
  const paused = PAUSED.has(next.status);
  // A reopened ticket (a rebound) starts a new resolution clock at the reopen: the business time before
  // it is left out like a pause, and its reminders may fire again. Resuming the old clock instead made a
  // ticket resolved late breach, and escalate, again the moment it was reopened. The first breach stays
  // on record (resolutionBreachedAt).
  const reopened = (before.status === 'resolved' || before.status === 'closed') && !paused;
  if (paused && pausedSince === null) pausedSince = now;
  if (!paused && pausedSince !== null) {
    if (!reopened) pausedMs += businessTimeBetween(cal, pausedSince, now);
    pausedSince = null;
  }
  if (reopened) pausedMs = businessTimeBetween(cal, clockStart(before), now);
  const stages = reopened ? Object.fromEntries(Object.entries(prev.stages).filter(([kind]) => !kind.startsWith('res_'))) : prev.stages;
  const sla: SlaState = {
    ...prev,
    stages,
    firstResponseMs: targets.firstResponseMs,
    resolutionMs: targets.resolutionMs,
    nextResponseMs: targets.nextResponseMs,
    firstResponseDueAt: targets.firstResponseMs === null ? null : addBusinessTime(cal, clockStart(before), targets.firstResponseMs),
    resolutionDueAt: targets.resolutionMs === null ? null : addBusinessTime(cal, clockStart(before), targets.resolutionMs + pausedMs),
    nextResponseDueAt:
      targets.nextResponseMs === null || next.awaitingReplySince === null ? null : addBusinessTime(cal, next.awaitingReplySince, targets.nextResponseMs),
    pausedSince,
    pausedMs,
  };
  return { ...sla, nextCheckAt: nextCheckAt(config, { ...next, createdAt: before.createdAt, customerTier: before.customerTier, sla }) };
}

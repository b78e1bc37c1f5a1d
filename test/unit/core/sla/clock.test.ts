import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AppConfig, BUNDLED_CONFIG, parseConfig } from '../../../../core/config.js';
import { dueStages, EMPTY_SLA, initialSla, nextCheckAt, type SlaSubject, type Stage, stagesOf, trackSla } from '../../../../core/sla/clock.js';
import type { SlaState, TicketState } from '../../../../core/tickets/types.js';

/*
 * The SLA clocks as pure functions. Every expected instant is written out by hand, with its offset.
 * Calendar "cn": Asia/Shanghai, Mon–Fri 09:00–12:00 and 13:30–18:00 (7.5 business hours a day).
 * The after-sales team runs on it; logistics has no calendar (24/7). 2026-11-23 is a Monday.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const bundled = JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')) as { teams: { id: string }[] } & Record<string, unknown>;

function configWith(sla: Record<string, unknown> = {}): AppConfig {
  const raw = {
    ...bundled,
    calendars: {
      cn: {
        timezone: 'Asia/Shanghai',
        hours: [
          { from: '09:00', to: '12:00' },
          { from: '13:30', to: '18:00' },
        ],
      },
    },
    // After-sales on office hours, every other team 24/7 (the bundled shop hours removed).
    teams: bundled.teams.map(({ calendar: _shop, ...t }: { id: string; calendar?: string }) => (t.id === 'after-sales' ? { ...t, calendar: 'cn' } : t)),
    sla: { overrides: [{ category: 'complaint', firstResponse: '15m', resolution: '2h' }], ...sla },
  };
  return parseConfig(JSON.stringify(raw), 'json');
}

const config = configWith();
const at = (iso: string) => new Date(iso);

/** A ticket as the SLA functions read it: new, unassigned, P3 "other", standard tier. */
function ticket(overrides: Partial<SlaSubject> = {}): SlaSubject {
  return {
    id: 42,
    status: 'new',
    assigneeId: null,
    teamId: 'after-sales',
    customerId: 7,
    category: 'other',
    priority: 'P3',
    reboundCount: 0,
    duplicateOfId: null,
    closeReason: null,
    version: 1,
    assignedAt: null,
    firstResponseAt: null,
    awaitingReplySince: null,
    pendingSince: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: at('2026-11-24T10:00:00+08:00'),
    customerTier: 'standard',
    sla: EMPTY_SLA,
    ...overrides,
  };
}

const sla = (overrides: Partial<SlaState>): SlaState => ({ ...EMPTY_SLA, ...overrides });

/** The state part of a subject, for trackSla's `next`. */
function stateOf(t: SlaSubject, changes: Partial<TicketState> = {}): TicketState {
  const { createdAt: _c, customerTier: _t, sla: _s, ...state } = t;
  return { ...state, ...changes };
}

const show = (stages: Stage[]) => stages.map((s) => [s.kind, s.at.toISOString()]);
const iso = (text: string) => at(text).toISOString();

// A P1 ticket created Friday 17:50 local on the business-hours team, with its clocks written by hand:
// 10 minutes on Friday, the rest from Monday 09:00 (lunch 12:00–13:30 excluded).
const FRIDAY_P1 = ticket({
  priority: 'P1',
  createdAt: at('2026-11-27T17:50:00+08:00'),
  sla: sla({
    firstResponseMs: 30 * MINUTE,
    resolutionMs: 4 * HOUR,
    firstResponseDueAt: at('2026-11-30T09:20:00+08:00'),
    resolutionDueAt: at('2026-11-30T14:20:00+08:00'),
  }),
});

describe('initialSla', () => {
  it('on a business-hours team: a P1 created Friday 17:50 is due for first response Monday 09:20 and resolution Monday 14:20', () => {
    const { sla: _, ...t } = FRIDAY_P1;
    expect(initialSla(config, t)).toEqual({
      firstResponseMs: 30 * MINUTE,
      resolutionMs: 4 * HOUR,
      nextResponseMs: null,
      firstResponseDueAt: at('2026-11-30T09:20:00+08:00'),
      resolutionDueAt: at('2026-11-30T14:20:00+08:00'),
      nextResponseDueAt: null,
      startedAt: null,
      pausedSince: null,
      pausedMs: 0,
      firstResponseBreachedAt: null,
      resolutionBreachedAt: null,
      nextResponseBreachedAt: null,
      stages: {},
      // The first-response warning: 22.5 minutes of business time.
      nextCheckAt: at('2026-11-30T09:12:30+08:00'),
    });
  });

  it('on a 24/7 team the deadlines are wall-clock time from creation', () => {
    const { sla: _, ...t } = ticket({ teamId: 'logistics', priority: 'P2' });
    const result = initialSla(config, t);
    expect(result.firstResponseDueAt).toEqual(at('2026-11-24T12:00:00+08:00'));
    expect(result.resolutionDueAt).toEqual(at('2026-11-25T10:00:00+08:00'));
    expect(result.nextCheckAt).toEqual(at('2026-11-24T11:30:00+08:00'));
  });

  it('a ticket without a team runs 24/7', () => {
    const { sla: _, ...t } = ticket({ teamId: null, priority: 'P1' });
    expect(initialSla(config, t).firstResponseDueAt).toEqual(at('2026-11-24T10:30:00+08:00'));
  });

  it('a VIP gets half the target', () => {
    const { sla: _, ...t } = ticket({ teamId: 'logistics', priority: 'P2', customerTier: 'vip' });
    const result = initialSla(config, t);
    expect(result.firstResponseMs).toBe(HOUR);
    expect(result.firstResponseDueAt).toEqual(at('2026-11-24T11:00:00+08:00'));
    expect(result.resolutionDueAt).toEqual(at('2026-11-24T22:00:00+08:00'));
  });

  it('takes the target of a matching override', () => {
    const { sla: _, ...t } = ticket({ teamId: 'logistics', category: 'complaint' });
    const result = initialSla(config, t);
    expect(result.firstResponseDueAt).toEqual(at('2026-11-24T10:15:00+08:00'));
    expect(result.resolutionDueAt).toEqual(at('2026-11-24T12:00:00+08:00'));
  });

  it('no target: no deadline', () => {
    const noResolution = configWith({ targets: { P3: { firstResponse: '8h', resolution: null } } });
    const { sla: _, ...t } = ticket({ teamId: 'logistics' });
    const result = initialSla(noResolution, t);
    expect(result.resolutionMs).toBeNull();
    expect(result.resolutionDueAt).toBeNull();
    expect(result.firstResponseDueAt).toEqual(at('2026-11-24T18:00:00+08:00'));
  });
});

describe('trackSla: pausing the resolution clock', () => {
  // P2 created Monday 09:00 on the business calendar: first response Monday 11:00; resolution after
  // 24 business hours = three 7.5 h days + 1.5 h = Thursday 10:30.
  const created = ticket({
    priority: 'P2',
    status: 'in_progress',
    assigneeId: 'lin',
    firstResponseAt: at('2026-11-23T09:30:00+08:00'),
    createdAt: at('2026-11-23T09:00:00+08:00'),
    sla: sla({
      firstResponseMs: 2 * HOUR,
      resolutionMs: 24 * HOUR,
      firstResponseDueAt: at('2026-11-23T11:00:00+08:00'),
      resolutionDueAt: at('2026-11-26T10:30:00+08:00'),
    }),
  });
  const pendAt = at('2026-11-23T11:30:00+08:00');
  const pended = { ...created, status: 'pending_customer' as const, pendingSince: pendAt };

  it('stops the clock when the ticket waits on the customer, without moving the deadlines yet', () => {
    const result = trackSla(config, created, stateOf(pended), pendAt);
    expect(result.pausedSince).toEqual(pendAt);
    expect(result.pausedMs).toBe(0);
    expect(result.resolutionDueAt).toEqual(at('2026-11-26T10:30:00+08:00'));
    expect(result.firstResponseDueAt).toEqual(at('2026-11-23T11:00:00+08:00'));
  });

  it('on resume, the resolution deadline moves by exactly the business time paused; first response never moves', () => {
    const paused = { ...pended, sla: trackSla(config, created, stateOf(pended), pendAt) };
    // Paused 11:30–15:00: 30 minutes before lunch + 90 minutes after = 2 business hours.
    const result = trackSla(config, paused, stateOf(paused, { status: 'in_progress', pendingSince: null }), at('2026-11-23T15:00:00+08:00'));
    expect(result.pausedSince).toBeNull();
    expect(result.pausedMs).toBe(2 * HOUR);
    expect(result.resolutionDueAt).toEqual(at('2026-11-26T14:00:00+08:00'));
    expect(result.firstResponseDueAt).toEqual(at('2026-11-23T11:00:00+08:00'));
  });

  it('a pause that falls wholly outside business hours moves nothing', () => {
    const lunch = at('2026-11-23T12:05:00+08:00');
    const paused = { ...created, status: 'pending_customer' as const, pendingSince: lunch, sla: sla({ ...created.sla, pausedSince: lunch }) };
    const result = trackSla(config, paused, stateOf(paused, { status: 'in_progress', pendingSince: null }), at('2026-11-23T13:25:00+08:00'));
    expect(result.pausedMs).toBe(0);
    expect(result.resolutionDueAt).toEqual(at('2026-11-26T10:30:00+08:00'));
  });

  it('pauses add up', () => {
    // Already paused 2 h; paused again Tuesday 17:30 to Wednesday 09:30 = 30 + 30 minutes of business time.
    const again = at('2026-11-24T17:30:00+08:00');
    const paused = {
      ...created,
      status: 'pending_customer' as const,
      pendingSince: again,
      sla: sla({ ...created.sla, pausedMs: 2 * HOUR, pausedSince: again, resolutionDueAt: at('2026-11-26T14:00:00+08:00') }),
    };
    const result = trackSla(config, paused, stateOf(paused, { status: 'in_progress', pendingSince: null }), at('2026-11-25T09:30:00+08:00'));
    expect(result.pausedMs).toBe(3 * HOUR);
    expect(result.resolutionDueAt).toEqual(at('2026-11-26T15:00:00+08:00'));
  });

  it.each(['resolved', 'closed'] as const)('a %s ticket stands still too', (status) => {
    const when = at('2026-11-24T10:00:00+08:00');
    const result = trackSla(config, created, stateOf(created, { status }), when);
    expect(result.pausedSince).toEqual(when);
  });

  it('moving from one paused status to another keeps the pause start', () => {
    const paused = { ...pended, sla: sla({ ...created.sla, pausedSince: pendAt }) };
    const result = trackSla(config, paused, stateOf(paused, { status: 'resolved', pendingSince: null }), at('2026-11-24T10:00:00+08:00'));
    expect(result.pausedSince).toEqual(pendAt);
    expect(result.pausedMs).toBe(0);
  });

  it('reopening a resolved ticket resumes the clock', () => {
    const resolvedAt = at('2026-11-24T10:00:00+08:00');
    const resolved = { ...created, status: 'resolved' as const, resolvedAt, sla: sla({ ...created.sla, pausedSince: resolvedAt }) };
    // Tuesday 10:00–16:00: 2 h before lunch + 2.5 h after.
    const result = trackSla(config, resolved, stateOf(resolved, { status: 'assigned', resolvedAt: null }), at('2026-11-24T16:00:00+08:00'));
    expect(result.pausedMs).toBe(4.5 * HOUR);
    expect(result.pausedSince).toBeNull();
  });

  it('on a 24/7 team the pause counts wall-clock time', () => {
    const t = ticket({
      teamId: 'logistics',
      priority: 'P2',
      status: 'pending_customer',
      pendingSince: at('2026-11-24T12:00:00+08:00'),
      sla: sla({
        firstResponseMs: 2 * HOUR,
        resolutionMs: 24 * HOUR,
        firstResponseDueAt: at('2026-11-24T12:00:00+08:00'),
        resolutionDueAt: at('2026-11-25T10:00:00+08:00'),
        pausedSince: at('2026-11-24T12:00:00+08:00'),
      }),
    });
    const result = trackSla(config, t, stateOf(t, { status: 'in_progress', pendingSince: null }), at('2026-11-24T15:00:00+08:00'));
    expect(result.pausedMs).toBe(3 * HOUR);
    expect(result.resolutionDueAt).toEqual(at('2026-11-25T13:00:00+08:00'));
  });
});

describe('trackSla: targets', () => {
  // P3 on the 24/7 team, created Tuesday 10:00: first response 18:00, resolution Thursday 10:00.
  const p3 = ticket({
    teamId: 'logistics',
    status: 'assigned',
    assigneeId: 'zhou',
    sla: sla({
      firstResponseMs: 8 * HOUR,
      resolutionMs: 48 * HOUR,
      firstResponseDueAt: at('2026-11-24T18:00:00+08:00'),
      resolutionDueAt: at('2026-11-26T10:00:00+08:00'),
    }),
  });
  const later = at('2026-11-24T10:05:00+08:00');

  it('a priority change retargets, counting from creation', () => {
    const result = trackSla(config, p3, stateOf(p3, { priority: 'P1' }), later);
    expect(result.firstResponseMs).toBe(30 * MINUTE);
    expect(result.resolutionMs).toBe(4 * HOUR);
    expect(result.firstResponseDueAt).toEqual(at('2026-11-24T10:30:00+08:00'));
    expect(result.resolutionDueAt).toEqual(at('2026-11-24T14:00:00+08:00'));
  });

  it('a category change retargets (here to an override)', () => {
    const result = trackSla(config, p3, stateOf(p3, { category: 'complaint' }), later);
    expect(result.firstResponseDueAt).toEqual(at('2026-11-24T10:15:00+08:00'));
    expect(result.resolutionDueAt).toEqual(at('2026-11-24T12:00:00+08:00'));
  });

  it('retargeting keeps the time already paused', () => {
    const paused = { ...p3, sla: sla({ ...p3.sla, pausedMs: 3 * HOUR }) };
    expect(trackSla(config, paused, stateOf(paused, { priority: 'P1' }), later).resolutionDueAt).toEqual(at('2026-11-24T17:00:00+08:00'));
  });

  it('keepTargets: a raised priority keeps the deadlines', () => {
    const result = trackSla(config, p3, stateOf(p3, { priority: 'P2' }), later, { keepTargets: true });
    expect(result.firstResponseMs).toBe(8 * HOUR);
    expect(result.resolutionMs).toBe(48 * HOUR);
    expect(result.firstResponseDueAt).toEqual(at('2026-11-24T18:00:00+08:00'));
    expect(result.resolutionDueAt).toEqual(at('2026-11-26T10:00:00+08:00'));
  });

  it('other changes keep the targets the ticket has, even if the config would now give others', () => {
    const custom = { ...p3, sla: sla({ ...p3.sla, firstResponseMs: HOUR, firstResponseDueAt: at('2026-11-24T11:00:00+08:00') }) };
    const result = trackSla(config, custom, stateOf(custom, { status: 'in_progress' }), later);
    expect(result.firstResponseMs).toBe(HOUR);
    expect(result.firstResponseDueAt).toEqual(at('2026-11-24T11:00:00+08:00'));
  });

  it('a transfer recomputes the deadlines on the new team calendar', () => {
    // Tuesday 10:00 + 8 business hours on "cn": 10:00–12:00, 13:30–18:00 (6.5 h), Wednesday 09:00–10:30.
    const result = trackSla(config, p3, stateOf(p3, { teamId: 'after-sales', status: 'new', assigneeId: null }), later);
    expect(result.firstResponseDueAt).toEqual(at('2026-11-25T10:30:00+08:00'));
  });

  it('keeps the fired stages and breach flags', () => {
    const fired = { ...p3, sla: sla({ ...p3.sla, stages: { fr_warning: 'x' }, firstResponseBreachedAt: at('2026-11-24T18:00:00+08:00') }) };
    const result = trackSla(config, fired, stateOf(fired, { priority: 'P1' }), later);
    expect(result.stages).toEqual({ fr_warning: 'x' });
    expect(result.firstResponseBreachedAt).toEqual(at('2026-11-24T18:00:00+08:00'));
  });

  it('sets nextCheckAt to the earliest stage of the new state', () => {
    // P1 from 10:00: first-response warning at 75% of 30 minutes.
    expect(trackSla(config, p3, stateOf(p3, { priority: 'P1' }), later).nextCheckAt).toEqual(at('2026-11-24T10:22:30+08:00'));
  });
});

describe('stagesOf', () => {
  it('warns at 75% of each target in business time and breaches at the due time', () => {
    expect(show(stagesOf(config, FRIDAY_P1))).toEqual([
      ['fr_warning', iso('2026-11-30T09:12:30+08:00')],
      ['fr_breach', iso('2026-11-30T09:20:00+08:00')],
      ['res_warning', iso('2026-11-30T11:50:00+08:00')],
      ['res_breach', iso('2026-11-30T14:20:00+08:00')],
    ]);
  });

  it('follows the configured warning share', () => {
    const half = configWith({ warnAt: 0.5 });
    const stages = stagesOf(half, FRIDAY_P1);
    expect(stages.find((s) => s.kind === 'fr_warning')?.at).toEqual(at('2026-11-30T09:05:00+08:00'));
    expect(stages.find((s) => s.kind === 'res_warning')?.at).toEqual(at('2026-11-30T10:50:00+08:00'));
  });

  it('has no first-response stages once the first response is given', () => {
    const answered = { ...FRIDAY_P1, status: 'in_progress' as const, firstResponseAt: at('2026-11-30T09:05:00+08:00') };
    expect(show(stagesOf(config, answered))).toEqual([
      ['res_warning', iso('2026-11-30T11:50:00+08:00')],
      ['res_breach', iso('2026-11-30T14:20:00+08:00')],
    ]);
  });

  it('the resolution warning moves with the time paused; the breach is the stored deadline', () => {
    const resumed = { ...FRIDAY_P1, sla: sla({ ...FRIDAY_P1.sla, pausedMs: HOUR, resolutionDueAt: at('2026-11-30T15:20:00+08:00') }) };
    const stages = stagesOf(config, resumed);
    expect(stages.find((s) => s.kind === 'res_warning')?.at).toEqual(at('2026-11-30T14:20:00+08:00'));
    expect(stages.find((s) => s.kind === 'res_breach')?.at).toEqual(at('2026-11-30T15:20:00+08:00'));
  });

  it('has no stages for a clock without a target', () => {
    const noTargets = { ...FRIDAY_P1, sla: sla({ ...FRIDAY_P1.sla, resolutionMs: null, resolutionDueAt: null }) };
    expect(stagesOf(config, noTargets).map((s) => s.kind)).toEqual(['fr_warning', 'fr_breach']);
  });

  it('waiting on the customer: no resolution stages, a nudge after 24 h and a close after 72 h of wall-clock time', () => {
    const pending = {
      ...FRIDAY_P1,
      status: 'pending_customer' as const,
      firstResponseAt: at('2026-11-30T09:05:00+08:00'),
      pendingSince: at('2026-11-30T11:00:00+08:00'),
      sla: sla({ ...FRIDAY_P1.sla, pausedSince: at('2026-11-30T11:00:00+08:00') }),
    };
    expect(show(stagesOf(config, pending))).toEqual([
      ['pending_nudge', iso('2026-12-01T11:00:00+08:00')],
      ['pending_close', iso('2026-12-03T11:00:00+08:00')],
    ]);
  });

  it('a waiting ticket without a first response keeps its first-response stages', () => {
    const pending = { ...FRIDAY_P1, status: 'pending_customer' as const, pendingSince: at('2026-11-30T09:00:00+08:00') };
    expect(stagesOf(config, pending).map((s) => s.kind)).toEqual(['fr_warning', 'fr_breach', 'pending_nudge', 'pending_close']);
  });

  it('follows the configured pending timers and leaves out the one switched off', () => {
    const noNudge = configWith({ pendingCustomer: { nudgeAfter: null, closeAfter: '2d' } });
    const pending = {
      ...FRIDAY_P1,
      status: 'pending_customer' as const,
      firstResponseAt: at('2026-11-30T09:05:00+08:00'),
      pendingSince: at('2026-11-30T11:00:00+08:00'),
    };
    expect(show(stagesOf(noNudge, pending))).toEqual([['pending_close', iso('2026-12-02T11:00:00+08:00')]]);
  });

  it('resolved: only the auto-close, 7 days after resolution (no first-response stages even without a response)', () => {
    const resolved = { ...FRIDAY_P1, status: 'resolved' as const, resolvedAt: at('2026-11-30T16:00:00+08:00') };
    expect(show(stagesOf(config, resolved))).toEqual([['resolved_close', iso('2026-12-07T16:00:00+08:00')]]);
    expect(stagesOf(configWith({ resolvedCloseAfter: null }), resolved)).toEqual([]);
  });

  it('nothing for a closed ticket', () => {
    expect(stagesOf(config, { ...FRIDAY_P1, status: 'closed', closedAt: at('2026-11-30T16:00:00+08:00') })).toEqual([]);
  });

  it('nothing for a merged ticket, whatever its status', () => {
    expect(stagesOf(config, { ...FRIDAY_P1, status: 'closed', duplicateOfId: 41, closeReason: 'duplicate' })).toEqual([]);
    expect(stagesOf(config, { ...FRIDAY_P1, status: 'in_progress', duplicateOfId: 41 })).toEqual([]);
  });
});

describe('dueStages and nextCheckAt', () => {
  it('nothing is due before the first warning', () => {
    expect(dueStages(config, FRIDAY_P1, at('2026-11-30T09:12:29+08:00'))).toEqual([]);
    expect(nextCheckAt(config, FRIDAY_P1)).toEqual(at('2026-11-30T09:12:30+08:00'));
  });

  it('a stage is due at its exact instant', () => {
    expect(show(dueStages(config, FRIDAY_P1, at('2026-11-30T09:12:30+08:00')))).toEqual([['fr_warning', iso('2026-11-30T09:12:30+08:00')]]);
  });

  it('returns every stage that is due, in order of due time', () => {
    expect(dueStages(config, FRIDAY_P1, at('2026-11-30T12:00:00+08:00')).map((s) => s.kind)).toEqual(['fr_warning', 'fr_breach', 'res_warning']);
  });

  it('sorts by due time, not by kind', () => {
    // A resolution target shorter than the first-response one (20 minutes: Monday 09:10): its warning and breach come first.
    const odd = { ...FRIDAY_P1, sla: sla({ ...FRIDAY_P1.sla, resolutionMs: 20 * MINUTE, resolutionDueAt: at('2026-11-30T09:10:00+08:00') }) };
    expect(dueStages(config, odd, at('2026-11-30T12:00:00+08:00')).map((s) => s.kind)).toEqual(['res_warning', 'res_breach', 'fr_warning', 'fr_breach']);
  });

  it('a fired stage does not come back', () => {
    const fired = { ...FRIDAY_P1, sla: sla({ ...FRIDAY_P1.sla, stages: { fr_warning: iso('2026-11-30T09:12:30+08:00') } }) };
    expect(dueStages(config, fired, at('2026-11-30T12:00:00+08:00')).map((s) => s.kind)).toEqual(['fr_breach', 'res_warning']);
    expect(nextCheckAt(config, fired)).toEqual(at('2026-11-30T09:20:00+08:00'));
  });

  it('a moved deadline does not repeat a warning that already fired', () => {
    // res_warning fired at 11:50; an hour of pause since moved it to 14:20.
    const moved = {
      ...FRIDAY_P1,
      firstResponseAt: at('2026-11-30T09:05:00+08:00'),
      sla: sla({
        ...FRIDAY_P1.sla,
        pausedMs: HOUR,
        resolutionDueAt: at('2026-11-30T15:20:00+08:00'),
        stages: { res_warning: iso('2026-11-30T11:50:00+08:00') },
      }),
    };
    expect(dueStages(config, moved, at('2026-11-30T13:00:00+08:00'))).toEqual([]);
    expect(show(dueStages(config, moved, at('2026-11-30T14:30:00+08:00')))).toEqual([]);
    // Next is the breach, at the moved deadline.
    expect(nextCheckAt(config, moved)).toEqual(at('2026-11-30T15:20:00+08:00'));
  });

  it('nextCheckAt is null when everything has fired or nothing is watched', () => {
    const all = {
      ...FRIDAY_P1,
      sla: sla({
        ...FRIDAY_P1.sla,
        stages: {
          fr_warning: iso('2026-11-30T09:12:30+08:00'),
          fr_breach: iso('2026-11-30T09:20:00+08:00'),
          res_warning: iso('2026-11-30T11:50:00+08:00'),
          res_breach: iso('2026-11-30T14:20:00+08:00'),
        },
      }),
    };
    expect(nextCheckAt(config, all)).toBeNull();
    expect(dueStages(config, all, at('2026-12-30T00:00:00+08:00'))).toEqual([]);
    expect(nextCheckAt(config, { ...FRIDAY_P1, status: 'closed' })).toBeNull();
  });

  it('the pending nudge and close are due relative to pendingSince', () => {
    const pending = {
      ...FRIDAY_P1,
      status: 'pending_customer' as const,
      firstResponseAt: at('2026-11-30T09:05:00+08:00'),
      pendingSince: at('2026-11-30T11:00:00+08:00'),
    };
    expect(nextCheckAt(config, pending)).toEqual(at('2026-12-01T11:00:00+08:00'));
    expect(dueStages(config, pending, at('2026-12-01T10:59:59+08:00'))).toEqual([]);
    expect(dueStages(config, pending, at('2026-12-05T00:00:00+08:00')).map((s) => s.kind)).toEqual(['pending_nudge', 'pending_close']);
  });
});

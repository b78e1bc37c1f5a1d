import { describe, expect, it } from 'vitest';
import { displayZone, initialSla, stagesOf, trackSla } from '../../../../core/sla/clock.js';
import { at, config, configWith, FRIDAY_P1, HOUR, MINUTE, sla, stateOf, ticket } from './clock-fixtures.js';

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

  it('reopening a resolved ticket starts a new resolution clock at the reopen', () => {
    const resolvedAt = at('2026-11-24T10:00:00+08:00');
    const resolved = { ...created, status: 'resolved' as const, resolvedAt, sla: sla({ ...created.sla, pausedSince: resolvedAt }) };
    const result = trackSla(config, resolved, stateOf(resolved, { status: 'assigned', resolvedAt: null }), at('2026-11-24T16:00:00+08:00'));
    // Monday 09:00 to Tuesday 16:00 is left out: 7.5 h + 3 h + 2.5 h of business time.
    expect(result.pausedMs).toBe(13 * HOUR);
    expect(result.pausedSince).toBeNull();
    // 24 business hours from Tuesday 16:00: 2 h Tuesday, 7.5 Wednesday, 7.5 Thursday, 7 on Friday.
    expect(result.resolutionDueAt).toEqual(at('2026-11-27T17:30:00+08:00'));
    expect(result.firstResponseDueAt).toEqual(created.sla.firstResponseDueAt);
  });

  it('a ticket resolved after its deadline and reopened later is not past its new deadline, and keeps its breach on record', () => {
    const breachedAt = at('2026-11-26T10:30:00+08:00');
    const resolvedAt = at('2026-11-26T15:00:00+08:00');
    const late = {
      ...created,
      status: 'resolved' as const,
      resolvedAt,
      sla: sla({ ...created.sla, pausedSince: resolvedAt, resolutionBreachedAt: breachedAt, stages: { res_warning: 'x', res_breach: 'y', fr_warning: 'z' } }),
    };
    const reopenAt = at('2026-11-30T10:00:00+08:00');
    const result = trackSla(config, late, stateOf(late, { status: 'assigned', resolvedAt: null }), reopenAt);
    expect(result.resolutionDueAt?.getTime()).toBeGreaterThan(reopenAt.getTime());
    expect(result.resolutionDueAt).toEqual(at('2026-12-03T11:30:00+08:00'));
    expect(result.resolutionBreachedAt).toEqual(breachedAt);
    expect(result.stages).toEqual({ fr_warning: 'z' });
    expect(result.nextCheckAt?.getTime()).toBeGreaterThan(reopenAt.getTime());
  });

  it('a ticket resolved without a public reply and reopened later gets no first-response reminders', () => {
    const unanswered = { ...created, firstResponseAt: null };
    const resolvedAt = at('2026-11-23T09:30:00+08:00');
    const resolved = { ...unanswered, status: 'resolved' as const, resolvedAt, sla: sla({ ...created.sla, pausedSince: resolvedAt }) };
    const reopenAt = at('2026-11-24T10:00:00+08:00');
    const result = trackSla(config, resolved, stateOf(resolved, { status: 'assigned', resolvedAt: null, reboundCount: 1 }), reopenAt);
    // The first-response deadline (Monday 11:00) passed while it was resolved: not a breach at the reopen.
    expect(result.nextCheckAt?.getTime()).toBeGreaterThan(reopenAt.getTime());
    expect(
      stagesOf(config, { ...resolved, ...stateOf(resolved, { status: 'assigned', resolvedAt: null, reboundCount: 1 }), sla: result }).map((st) => st.kind),
    ).toEqual(['res_warning', 'res_breach']);
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

describe('trackSla: a transfer to a team on another calendar', () => {
  // P2 (24 business hours) created Monday 09:00 on office hours (cn), answered 09:20, waiting on the
  // customer from 09:30 until the next Monday 09:30: 5 × 7.5 h paused on cn.
  const answered = ticket({
    priority: 'P2',
    status: 'in_progress',
    assigneeId: 'lin',
    firstResponseAt: at('2026-11-23T09:20:00+08:00'),
    createdAt: at('2026-11-23T09:00:00+08:00'),
    sla: sla({
      firstResponseMs: 2 * HOUR,
      resolutionMs: 24 * HOUR,
      pausedMs: 37.5 * HOUR,
      firstResponseDueAt: at('2026-11-23T11:00:00+08:00'),
      resolutionDueAt: at('2026-12-03T10:30:00+08:00'),
    }),
  });

  it('keeps the resolution time used and counts what is left on the new calendar', () => {
    // 40 minutes used on cn (09:00–09:30 and 09:30–09:40 a week later); 23 h 20 min left, 24/7, from 09:40.
    const now = at('2026-11-30T09:40:00+08:00');
    const result = trackSla(config, answered, stateOf(answered, { teamId: 'logistics', status: 'new', assigneeId: null }), now);
    expect(result.resolutionDueAt).toEqual(at('2026-12-01T09:00:00+08:00'));
    expect(result.nextCheckAt?.getTime()).toBeGreaterThan(now.getTime());
  });

  it('and back: the same time used, what is left on office hours', () => {
    const onLogistics = trackSla(config, answered, stateOf(answered, { teamId: 'logistics' }), at('2026-11-30T09:40:00+08:00'));
    const moved = { ...answered, teamId: 'logistics', sla: onLogistics };
    // Two hours later on 24/7 (2 h 40 min used), back to cn: 21 h 20 min of office hours from 11:40.
    const result = trackSla(config, moved, stateOf(moved, { teamId: 'after-sales' }), at('2026-11-30T11:40:00+08:00'));
    // Monday 11:40–12:00 and 13:30–18:00 (4 h 50 min), Tuesday and Wednesday (15 h), 1.5 h on Thursday.
    expect(result.resolutionDueAt).toEqual(at('2026-12-03T10:30:00+08:00'));
  });

  it('while waiting on the customer: the pause goes on, counted on the new calendar', () => {
    const waiting = {
      ...answered,
      status: 'pending_customer' as const,
      pendingSince: at('2026-11-23T09:30:00+08:00'),
      sla: sla({ ...answered.sla, pausedMs: 0, pausedSince: at('2026-11-23T09:30:00+08:00') }),
    };
    const moved = {
      ...waiting,
      teamId: 'logistics',
      sla: trackSla(config, waiting, stateOf(waiting, { teamId: 'logistics' }), at('2026-11-25T09:30:00+08:00')),
    };
    const resumed = trackSla(config, moved, stateOf(moved, { status: 'in_progress', pendingSince: null }), at('2026-11-30T09:30:00+08:00'));
    // 30 minutes used before the wait; 23.5 h left, 24/7, from the customer's answer.
    expect(resumed.resolutionDueAt).toEqual(at('2026-12-01T09:00:00+08:00'));
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

describe('displayZone', () => {
  it("is the team calendar's zone, else the default team's, else the server's (undefined)", () => {
    expect(displayZone(config, 'after-sales')).toBe('Asia/Shanghai');
    // logistics has no calendar here: deadlines still show in the shop's zone (the default team's).
    expect(displayZone(config, 'logistics')).toBe(displayZone(config, config.defaultTeam));
    const noCalendars = { ...config, teams: config.teams.map(({ calendar: _c, ...t }) => t) };
    expect(displayZone(noCalendars, 'after-sales')).toBeUndefined();
  });
});

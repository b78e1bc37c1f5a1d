import { describe, expect, it } from 'vitest';
import { dueStages, nextCheckAt, stagesOf } from '../../../../core/sla/clock.js';
import { at, config, configWith, FRIDAY_P1, HOUR, iso, MINUTE, show, sla } from './clock-fixtures.js';

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

  it('a nudge that fired is not repeated when the nudge timer changes in the config, whether recorded by its wait or (before 2026-12-07) its due time', () => {
    const since = at('2026-11-30T11:00:00+08:00');
    const base = { ...FRIDAY_P1, status: 'pending_customer' as const, firstResponseAt: at('2026-11-30T09:05:00+08:00'), pendingSince: since };
    const later = configWith({ pendingCustomer: { nudgeAfter: '36h', closeAfter: '72h' } });
    const afterChange = at('2026-12-02T00:00:00+08:00');
    for (const recorded of [since.toISOString(), iso('2026-12-01T11:00:00+08:00')]) {
      const nudged = { ...base, sla: sla({ ...FRIDAY_P1.sla, stages: { pending_nudge: recorded } }) };
      expect(dueStages(config, nudged, afterChange)).toEqual([]);
      expect(dueStages(later, nudged, afterChange).map((s) => s.kind)).toEqual(recorded === since.toISOString() ? [] : ['pending_nudge']);
    }
    // A new wait is nudged again.
    const again = { ...base, pendingSince: at('2026-12-04T11:00:00+08:00'), sla: sla({ ...FRIDAY_P1.sla, stages: { pending_nudge: since.toISOString() } }) };
    expect(dueStages(config, again, at('2026-12-05T12:00:00+08:00')).map((s) => s.kind)).toEqual(['pending_nudge']);
  });
});

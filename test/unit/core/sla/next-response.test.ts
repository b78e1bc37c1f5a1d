import { describe, expect, it } from 'vitest';
import { hasFired, initialSla, stagesOf, trackSla } from '../../../../core/sla/clock.js';
import { stateOf } from '../../../../core/sla/fire-stages.js';
import type { Ticket } from '../../../../core/tickets/types.js';
import { configWith } from '../../../helpers/automation.js';
import { ticketFixture } from '../../../helpers/ticket-fixture.js';

/*
 * The next-response clock as pure functions. The bundled "shop" calendar: Asia/Shanghai, every day
 * 09:00–12:00 and 13:00–22:00. P2 gets a next-response target of 1 h; P3 has none.
 */

const config = configWith((raw) => {
  const targets = (raw.sla as { targets: Record<string, Record<string, string>> }).targets;
  targets.P2 = { ...targets.P2, nextResponse: '1h' };
});
const at = (iso: string) => new Date(iso);

/** A P2 ticket with clocks, answered at 10:10, whose customer wrote again at `since`. */
function waiting(since: string | null, overrides: Partial<Ticket> = {}): Ticket {
  const base = ticketFixture({ status: 'in_progress', assigneeId: 'lin', firstResponseAt: at('2026-11-24T10:10:00+08:00'), ...overrides });
  const opened = { ...base, sla: initialSla(config, base) };
  const next = { ...stateOf(opened), awaitingReplySince: since ? at(since) : null };
  return { ...opened, ...next, sla: trackSla(config, opened, next, next.awaitingReplySince ?? opened.createdAt) };
}

const nrStages = (t: Ticket) => stagesOf(config, t).filter((s) => s.kind.startsWith('nr_'));

describe('next-response deadlines', () => {
  it('count business time from the customer message: 11:30 + 1 h over the lunch break is 13:30, warned at 13:15', () => {
    const t = waiting('2026-11-24T11:30:00+08:00');
    expect(t.sla.nextResponseMs).toBe(3_600_000);
    expect(t.sla.nextResponseDueAt).toEqual(at('2026-11-24T13:30:00+08:00'));
    expect(nrStages(t)).toEqual([
      { kind: 'nr_warning', at: at('2026-11-24T13:15:00+08:00'), key: at('2026-11-24T11:30:00+08:00').toISOString() },
      { kind: 'nr_breach', at: at('2026-11-24T13:30:00+08:00'), key: at('2026-11-24T11:30:00+08:00').toISOString() },
    ]);
  });

  it('a message written after closing time is due the next morning', () => {
    expect(waiting('2026-11-24T21:50:00+08:00').sla.nextResponseDueAt).toEqual(at('2026-11-25T09:50:00+08:00'));
  });

  it('nothing while nobody waits, without a target, or while the ticket waits on the customer or is resolved', () => {
    expect(waiting(null).sla.nextResponseDueAt).toBeNull();
    expect(nrStages(waiting(null))).toEqual([]);
    const p3 = waiting('2026-11-24T11:30:00+08:00', { priority: 'P3' });
    expect(p3.sla.nextResponseDueAt).toBeNull();
    expect(nrStages(p3)).toEqual([]);
    for (const status of ['pending_customer', 'resolved', 'closed'] as const) {
      expect(nrStages({ ...waiting('2026-11-24T11:30:00+08:00'), status })).toEqual([]);
    }
  });

  it('a stage fired for one wait is not fired for the next one', () => {
    const first = waiting('2026-11-24T11:30:00+08:00');
    const [warning] = nrStages(first);
    if (!warning) throw new Error('no warning stage');
    const fired = { ...first.sla, stages: { nr_warning: warning.key ?? '' } };
    expect(hasFired(fired, warning)).toBe(true);
    const [nextWarning] = nrStages(waiting('2026-11-24T15:00:00+08:00'));
    if (!nextWarning) throw new Error('no warning stage');
    expect(hasFired(fired, nextWarning)).toBe(false);
  });

  it('a priority change retargets the running wait', () => {
    const t = waiting('2026-11-24T14:00:00+08:00');
    const lowered = trackSla(config, t, { ...stateOf(t), priority: 'P3' }, at('2026-11-24T14:10:00+08:00'));
    expect(lowered.nextResponseDueAt).toBeNull();
    const raised = trackSla(config, { ...t, priority: 'P3' }, { ...stateOf(t), priority: 'P2' }, at('2026-11-24T14:10:00+08:00'));
    expect(raised.nextResponseDueAt).toEqual(at('2026-11-24T15:00:00+08:00'));
  });
});

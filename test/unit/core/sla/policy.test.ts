import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DEFAULT_SLA, type SlaConfig, targetsFor, ZSlaConfig } from '../../../../core/sla/policy.js';
import type { Priority } from '../../../../core/tickets/types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const sla = (input: z.input<typeof ZSlaConfig>): SlaConfig => ZSlaConfig.parse(input);
const ticket = (priority: Priority, category = 'other', customerTier = 'standard') => ({ priority, category, customerTier });

function issuesOf(input: unknown): { path: PropertyKey[]; message: string }[] {
  const result = ZSlaConfig.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues.map(({ path, message }) => ({ path, message }));
}

describe('ZSlaConfig defaults', () => {
  const parsed = sla({});

  it('has the priority targets P1 30m/4h, P2 2h/24h, P3 8h/48h, P4 24h/72h', () => {
    expect(parsed.targets).toEqual({
      P1: { firstResponse: 30 * MINUTE, resolution: 4 * HOUR, nextResponse: null },
      P2: { firstResponse: 2 * HOUR, resolution: 24 * HOUR, nextResponse: null },
      P3: { firstResponse: 8 * HOUR, resolution: 48 * HOUR, nextResponse: null },
      P4: { firstResponse: 24 * HOUR, resolution: 72 * HOUR, nextResponse: null },
    });
  });

  it('warns at 75%, halves the targets for VIPs and has no overrides', () => {
    expect(parsed.warnAt).toBe(0.75);
    expect(parsed.tiers).toEqual({ vip: { factor: 0.5 } });
    expect(parsed.overrides).toEqual([]);
  });

  it('does not escalate at a breach', () => {
    expect(parsed.onBreach).toEqual({ raisePriority: false, reassignTo: 'none' });
  });

  it('nudges a silent customer after 24h, closes after 72h, and closes resolved tickets after 7 days', () => {
    expect(parsed.pendingCustomer).toEqual({ nudgeAfter: 24 * HOUR, closeAfter: 72 * HOUR });
    expect(parsed.resolvedCloseAfter).toBe(7 * DAY);
  });

  it('DEFAULT_SLA is the parsed empty config', () => {
    expect(DEFAULT_SLA).toEqual(parsed);
  });
});

describe('ZSlaConfig settings', () => {
  it('overrides the targets of the priorities given and keeps the defaults of the others', () => {
    const parsed = sla({
      targets: { P1: { firstResponse: '15m', resolution: '2h', nextResponse: null }, P4: { firstResponse: 60, resolution: '5d', nextResponse: null } },
    });
    expect(parsed.targets).toEqual({
      P1: { firstResponse: 15 * MINUTE, resolution: 2 * HOUR, nextResponse: null },
      P2: { firstResponse: 2 * HOUR, resolution: 24 * HOUR, nextResponse: null },
      P3: { firstResponse: 8 * HOUR, resolution: 48 * HOUR, nextResponse: null },
      P4: { firstResponse: HOUR, resolution: 5 * DAY, nextResponse: null },
    });
  });

  it('takes null as "no target"', () => {
    const parsed = sla({ targets: { P4: { firstResponse: '1d', resolution: null, nextResponse: null } } });
    expect(parsed.targets.P4).toEqual({ firstResponse: DAY, resolution: null, nextResponse: null });
  });

  it('needs both targets of a priority it names', () => {
    expect(issuesOf({ targets: { P1: { firstResponse: '15m' } } }).map((i) => i.path)).toEqual([['targets', 'P1', 'resolution']]);
  });

  it('refuses an unknown priority, a bad duration and an unknown key, with their paths', () => {
    const issues = issuesOf({
      targets: { P5: { firstResponse: '1h', resolution: '2h', nextResponse: null }, P2: { firstResponse: 'fast', resolution: '1d', nextResponse: null } },
      colour: 'red',
    });
    expect(issues).toContainEqual({ path: ['targets', 'P2', 'firstResponse'], message: expect.stringContaining('"fast" is not a duration') });
    expect(issues.some((i) => i.path[0] === 'targets' && JSON.stringify(i).includes('P5'))).toBe(true);
    expect(issues.some((i) => JSON.stringify(i).includes('colour'))).toBe(true);
  });

  it('takes its own tiers instead of the default VIP factor', () => {
    expect(sla({ tiers: { gold: { factor: 0.8 } } }).tiers).toEqual({ gold: { factor: 0.8 } });
    expect(issuesOf({ tiers: { gold: { factor: 0 } } })[0]?.path).toEqual(['tiers', 'gold', 'factor']);
  });

  it.each([0, 1, 1.5, -0.2])('refuses warnAt %d (it is a share strictly between 0 and 1)', (warnAt) => {
    expect(issuesOf({ warnAt }).map((i) => i.path)).toEqual([['warnAt']]);
  });

  it('parses the pending and resolved timers, keeping the default of the one not given', () => {
    expect(sla({ pendingCustomer: { nudgeAfter: '12h' } }).pendingCustomer).toEqual({ nudgeAfter: 12 * HOUR, closeAfter: 72 * HOUR });
    expect(sla({ pendingCustomer: { closeAfter: '5d' } }).pendingCustomer).toEqual({ nudgeAfter: 24 * HOUR, closeAfter: 5 * DAY });
    expect(sla({ resolvedCloseAfter: '3d' }).resolvedCloseAfter).toBe(3 * DAY);
    expect(sla({ resolvedCloseAfter: null }).resolvedCloseAfter).toBeNull();
  });

  it('allows switching off the nudge or the auto-close', () => {
    expect(sla({ pendingCustomer: { nudgeAfter: null, closeAfter: '1h' } }).pendingCustomer).toEqual({ nudgeAfter: null, closeAfter: HOUR });
    expect(sla({ pendingCustomer: { nudgeAfter: '100h', closeAfter: null } }).pendingCustomer).toEqual({ nudgeAfter: 100 * HOUR, closeAfter: null });
  });

  it.each<[Record<string, string>, string]>([
    [{ nudgeAfter: '72h', closeAfter: '72h' }, 'equal'],
    [{ nudgeAfter: '3d', closeAfter: '2d' }, 'later'],
    [{ nudgeAfter: '80h' }, 'later than the default close'],
  ])('refuses a nudge that does not come before the close (%j, %s)', (pendingCustomer) => {
    expect(issuesOf({ pendingCustomer })).toEqual([{ path: ['pendingCustomer', 'nudgeAfter'], message: 'the nudge must come before the auto-close' }]);
  });

  it('parses the breach escalation and refuses an unknown reassignment', () => {
    expect(sla({ onBreach: { raisePriority: true } }).onBreach).toEqual({ raisePriority: true, reassignTo: 'none' });
    expect(sla({ onBreach: { reassignTo: 'supervisor' } }).onBreach).toEqual({ raisePriority: false, reassignTo: 'supervisor' });
    expect(issuesOf({ onBreach: { reassignTo: 'manager' } })[0]?.path).toEqual(['onBreach', 'reassignTo']);
  });

  it('accepts a single value or a list in override conditions and refuses an empty list', () => {
    const parsed = sla({ overrides: [{ priority: 'P1', category: ['refund', 'payment'], firstResponse: '10m' }] });
    expect(parsed.overrides).toEqual([{ priority: ['P1'], category: ['refund', 'payment'], firstResponse: 10 * MINUTE }]);
    expect(issuesOf({ overrides: [{ category: [], firstResponse: '10m' }] })[0]?.path).toEqual(['overrides', 0, 'category']);
    expect(issuesOf({ overrides: [{ priority: 'P9' }] })[0]?.path).toEqual(['overrides', 0, 'priority']);
  });
});

describe('targetsFor with the default policy', () => {
  it.each<[Priority, number, number]>([
    ['P1', 30 * MINUTE, 4 * HOUR],
    ['P2', 2 * HOUR, 24 * HOUR],
    ['P3', 8 * HOUR, 48 * HOUR],
    ['P4', 24 * HOUR, 72 * HOUR],
  ])('%s: first response %i ms, resolution %i ms', (priority, firstResponseMs, resolutionMs) => {
    expect(targetsFor(DEFAULT_SLA, ticket(priority))).toEqual({ firstResponseMs, resolutionMs, nextResponseMs: null });
  });

  it('halves the targets for a VIP', () => {
    expect(targetsFor(DEFAULT_SLA, ticket('P1', 'other', 'vip'))).toEqual({ firstResponseMs: 15 * MINUTE, resolutionMs: 2 * HOUR, nextResponseMs: null });
    expect(targetsFor(DEFAULT_SLA, ticket('P4', 'other', 'vip'))).toEqual({ firstResponseMs: 12 * HOUR, resolutionMs: 36 * HOUR, nextResponseMs: null });
  });

  it('uses factor 1 for a tier it does not know', () => {
    expect(targetsFor(DEFAULT_SLA, ticket('P2', 'other', 'gold'))).toEqual({ firstResponseMs: 2 * HOUR, resolutionMs: 24 * HOUR, nextResponseMs: null });
    expect(targetsFor(DEFAULT_SLA, ticket('P2', 'other', 'VIP'))).toEqual({ firstResponseMs: 2 * HOUR, resolutionMs: 24 * HOUR, nextResponseMs: null });
  });

  it('applies a configured factor and keeps "no target" as null', () => {
    const policy = sla({ tiers: { gold: { factor: 1.5 } }, targets: { P3: { firstResponse: '4h', resolution: null, nextResponse: null } } });
    expect(targetsFor(policy, ticket('P3', 'other', 'gold'))).toEqual({ firstResponseMs: 6 * HOUR, resolutionMs: null, nextResponseMs: null });
  });
});

describe('the next-response target', () => {
  const policy = sla({
    targets: { P2: { firstResponse: '2h', resolution: '24h', nextResponse: '1h' } },
    overrides: [{ category: 'complaint', nextResponse: '20m' }],
  });

  it('is off by default and when a priority leaves it out', () => {
    expect(targetsFor(policy, ticket('P3')).nextResponseMs).toBeNull();
    expect(targetsFor(DEFAULT_SLA, ticket('P2')).nextResponseMs).toBeNull();
  });

  it('takes the priority target, scaled by the tier, and an override exactly', () => {
    expect(targetsFor(policy, ticket('P2')).nextResponseMs).toBe(HOUR);
    expect(targetsFor(policy, ticket('P2', 'other', 'vip')).nextResponseMs).toBe(30 * MINUTE);
    expect(targetsFor(policy, ticket('P3', 'complaint', 'vip'))).toEqual({ firstResponseMs: 4 * HOUR, resolutionMs: 24 * HOUR, nextResponseMs: 20 * MINUTE });
  });

  it('refuses a bad duration with its path', () => {
    expect(issuesOf({ targets: { P1: { firstResponse: '15m', resolution: '2h', nextResponse: 'soon' } } }).map((i) => i.path)).toEqual([
      ['targets', 'P1', 'nextResponse'],
    ]);
  });
});

describe('targetsFor with overrides', () => {
  const policy = sla({
    overrides: [
      { category: 'refund', priority: ['P1', 'P2'], firstResponse: '10m', resolution: '1h' },
      { category: ['refund', 'payment'], firstResponse: '20m', resolution: '3h' },
      { tier: 'vip', priority: 'P4', firstResponse: '6h', resolution: '1d' },
      { category: 'suggestion', firstResponse: null, resolution: null },
      { category: 'invoice', firstResponse: '1h' },
      { category: 'shipping', resolution: null },
    ],
  });

  it('matches on category and priority together', () => {
    expect(targetsFor(policy, ticket('P2', 'refund'))).toEqual({ firstResponseMs: 10 * MINUTE, resolutionMs: HOUR, nextResponseMs: null });
  });

  it('the first match wins', () => {
    // P3 refund misses the first override (priority) and takes the second.
    expect(targetsFor(policy, ticket('P3', 'refund'))).toEqual({ firstResponseMs: 20 * MINUTE, resolutionMs: 3 * HOUR, nextResponseMs: null });
    expect(targetsFor(policy, ticket('P1', 'payment'))).toEqual({ firstResponseMs: 20 * MINUTE, resolutionMs: 3 * HOUR, nextResponseMs: null });
  });

  it('gives exact targets: the tier factor is not applied on top', () => {
    expect(targetsFor(policy, ticket('P1', 'refund', 'vip'))).toEqual({ firstResponseMs: 10 * MINUTE, resolutionMs: HOUR, nextResponseMs: null });
    expect(targetsFor(policy, ticket('P4', 'other', 'vip'))).toEqual({ firstResponseMs: 6 * HOUR, resolutionMs: DAY, nextResponseMs: null });
  });

  it('matches on tier', () => {
    // The same ticket without the VIP tier gets the P4 default.
    expect(targetsFor(policy, ticket('P4', 'other', 'standard'))).toEqual({ firstResponseMs: 24 * HOUR, resolutionMs: 72 * HOUR, nextResponseMs: null });
  });

  it('an override may switch both clocks off', () => {
    expect(targetsFor(policy, ticket('P1', 'suggestion'))).toEqual({ firstResponseMs: null, resolutionMs: null, nextResponseMs: null });
  });

  it('an override giving only one target keeps the priority default for the other', () => {
    expect(targetsFor(policy, ticket('P2', 'invoice'))).toEqual({ firstResponseMs: HOUR, resolutionMs: 24 * HOUR, nextResponseMs: null });
    expect(targetsFor(policy, ticket('P1', 'shipping'))).toEqual({ firstResponseMs: 30 * MINUTE, resolutionMs: null, nextResponseMs: null });
  });

  // BUG: the target an override leaves out falls back to the bare priority default, so a VIP loses its
  // tier factor on that clock (here 24h instead of 12h) just because an override set the other one.
  it('for a VIP, the target an override leaves out keeps the VIP factor', () => {
    expect(targetsFor(policy, ticket('P2', 'invoice', 'vip'))).toEqual({ firstResponseMs: HOUR, resolutionMs: 12 * HOUR, nextResponseMs: null });
  });

  it('no match: the priority default times the tier factor', () => {
    expect(targetsFor(policy, ticket('P2', 'other', 'vip'))).toEqual({ firstResponseMs: HOUR, resolutionMs: 12 * HOUR, nextResponseMs: null });
  });
});

import { describe, expect, it } from 'vitest';
import { type AppConfig, BUNDLED_CONFIG, loadConfig, parseConfig } from '../../../core/config.js';
import { AppError } from '../../../core/errors.js';
import { DEFAULT_SLA } from '../../../core/sla/policy.js';

/*
 * The SLA, calendar, routing and notification sections of the config, and the cross-references
 * between them and the rest (teams, categories). Problems are reported all at once, with their paths.
 */

const HOUR = 3_600_000;

const PRIORITIES = [
  { id: 'P1', name: { zh: '紧急', en: 'Critical' } },
  { id: 'P2', name: { zh: '高', en: 'High' } },
  { id: 'P3', name: { zh: '中', en: 'Normal' } },
  { id: 'P4', name: { zh: '低', en: 'Low' } },
];

/** A small valid config without the new sections; tests add them. Loose on purpose, so tests can break it. */
function smallConfig(extra: Record<string, unknown> = {}, teamExtra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    locale: 'en',
    defaultTeam: 'care',
    teams: [
      { id: 'care', name: { zh: '售后', en: 'Care' }, supervisor: 'boss', ...teamExtra },
      { id: 'ship', name: { zh: '物流', en: 'Shipping' } },
    ],
    agents: [
      { id: 'boss', name: 'Boss', role: 'supervisor', team: 'care' },
      { id: 'amy', name: 'Amy', team: 'ship' },
    ],
    categories: [
      { id: 'refund', name: { zh: '退款', en: 'Refund' }, team: 'care' },
      { id: 'other', name: { zh: '其他', en: 'Other' } },
    ],
    priorities: PRIORITIES,
    ...extra,
  };
}

const parse = (raw: unknown): AppConfig => parseConfig(JSON.stringify(raw), 'json', 'shop.json');

/** Parses `raw`, expecting CONFIG_INVALID; returns the problems as path + message. */
function problems(raw: unknown): { error: AppError; issues: { path: PropertyKey[]; message: string }[] } {
  try {
    parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    const details = (error as AppError).details as { path: PropertyKey[]; message: string }[];
    return { error: error as AppError, issues: details.map(({ path, message }) => ({ path, message })) };
  }
  throw new Error('expected CONFIG_INVALID, nothing was thrown');
}

const CN = {
  timezone: 'Asia/Shanghai',
  hours: [
    { from: '13:30', to: '18:00' },
    { from: '09:00', to: '12:00' },
  ],
};

describe('config: the SLA, calendar, routing and notification sections', () => {
  it('are optional, with defaults', () => {
    const config = parse(smallConfig());
    expect(config.calendars).toEqual({});
    expect(config.sla).toEqual(DEFAULT_SLA);
    expect(config.routing).toEqual({ rules: [], autoAssign: true, countPending: true });
    expect(config.notifications).toEqual({ limit: 10, windowSeconds: 60 });
    expect(config.teams[0]?.calendar).toBeUndefined();
  });

  it('are parsed when given', () => {
    const config = parse(
      smallConfig(
        {
          calendars: { cn: CN },
          sla: {
            targets: { P1: { firstResponse: '15m', resolution: '2h' } },
            overrides: [{ category: 'refund', tier: 'vip', firstResponse: 10 }],
            pendingCustomer: { nudgeAfter: '12h' },
          },
          routing: { rules: [{ team: 'ship', category: ['refund'], keywords: ['快递'], skills: ['courier'] }], autoAssign: false },
          notifications: { limit: 3, windowSeconds: 30 },
        },
        { calendar: 'cn' },
      ),
    );
    expect(config.teams[0]?.calendar).toBe('cn');
    expect(config.calendars['cn']).toEqual({
      timezone: 'Asia/Shanghai',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      hours: [
        { from: '09:00', to: '12:00' },
        { from: '13:30', to: '18:00' },
      ],
      holidays: [],
      workdays: [],
    });
    expect(config.sla.targets.P1).toEqual({ firstResponse: 0.25 * HOUR, resolution: 2 * HOUR, nextResponse: null });
    expect(config.sla.targets.P2).toEqual({ firstResponse: 2 * HOUR, resolution: 24 * HOUR, nextResponse: null });
    expect(config.sla.overrides).toEqual([{ category: ['refund'], tier: ['vip'], firstResponse: 10 * 60_000 }]);
    expect(config.sla.pendingCustomer).toEqual({ nudgeAfter: 12 * HOUR, closeAfter: 72 * HOUR });
    expect(config.routing).toEqual({
      rules: [{ team: 'ship', category: ['refund'], keywords: ['快递'], skills: ['courier'] }],
      autoAssign: false,
      countPending: true,
    });
    expect(config.notifications).toEqual({ limit: 3, windowSeconds: 30 });
  });

  it('the bundled config parses: shop hours for every team, the default SLA policy spelled out', () => {
    const config = loadConfig(BUNDLED_CONFIG);
    expect(Object.keys(config.calendars)).toEqual(['shop']);
    expect(config.calendars.shop).toMatchObject({
      timezone: 'Asia/Shanghai',
      hours: [
        { from: '09:00', to: '12:00' },
        { from: '13:00', to: '22:00' },
      ],
    });
    expect(config.teams.every((t) => t.calendar === 'shop')).toBe(true);
    expect(config.sla).toEqual(DEFAULT_SLA);
    expect(config.routing.autoAssign).toBe(true);
    expect(config.notifications).toEqual({ limit: 10, windowSeconds: 60 });
  });
});

describe('config: problems in the new sections', () => {
  it('a team with an unknown calendar', () => {
    const { error, issues } = problems(smallConfig({ calendars: { cn: CN } }, { calendar: 'china' }));
    expect(issues).toEqual([{ path: ['teams', 0, 'calendar'], message: 'unknown calendar "china"' }]);
    expect(error.message).toContain('teams[0].calendar');
  });

  it('a team with a calendar while none is defined', () => {
    expect(problems(smallConfig({}, { calendar: 'cn' })).issues).toEqual([{ path: ['teams', 0, 'calendar'], message: 'unknown calendar "cn"' }]);
  });

  // BUG: referenceIssues checks `t.calendar in cfg.calendars`, and `in` also sees Object.prototype, so
  // "constructor" or "toString" passes; at runtime calendarFor() then returns a function and every SLA
  // computation for the team throws CONFIG_INVALID ("expected object, received function").
  it('a team whose calendar names an Object.prototype member is reported', () => {
    expect(problems(smallConfig({}, { calendar: 'constructor' })).issues).toEqual([
      { path: ['teams', 0, 'calendar'], message: 'unknown calendar "constructor"' },
    ]);
  });

  it('an invalid calendar (bad time zone) is reported at its path, without a second error on the team using it', () => {
    const { error, issues } = problems(smallConfig({ calendars: { cn: { timezone: 'Mars/Olympus' } } }, { calendar: 'cn' }));
    expect(issues).toEqual([
      { path: ['calendars', 'cn', 'timezone'], message: 'unknown time zone "Mars/Olympus": use an IANA name such as "Asia/Shanghai" or "America/New_York"' },
    ]);
    expect(error.message).toContain('calendars.cn.timezone');
  });

  it('an invalid calendar (bad opening hours) is reported at its path', () => {
    const { issues } = problems(smallConfig({ calendars: { cn: { timezone: 'Asia/Shanghai', hours: [{ from: '18:00', to: '09:00' }] } } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path.slice(0, 3)).toEqual(['calendars', 'cn', 'hours']);
    expect(issues[0]?.message).toContain('ends before it starts');
  });

  it('a routing rule with an unknown team or category', () => {
    const { error, issues } = problems(
      smallConfig({
        routing: {
          rules: [
            { team: 'legal', keywords: ['lawyer'] },
            { team: 'ship', category: ['refund', 'shipping', 'customs'] },
          ],
        },
      }),
    );
    expect(issues).toEqual([
      { path: ['routing', 'rules', 0, 'team'], message: 'unknown team "legal"' },
      { path: ['routing', 'rules', 1, 'category'], message: 'unknown category "shipping"' },
      { path: ['routing', 'rules', 1, 'category'], message: 'unknown category "customs"' },
    ]);
    expect(error.message).toContain('routing.rules[0].team');
  });

  it('an SLA override with an unknown category, given as one name or a list', () => {
    const { error, issues } = problems(
      smallConfig({
        sla: {
          overrides: [
            { category: 'shipping', firstResponse: '1h' },
            { category: ['refund', 'customs'], resolution: '1d' },
          ],
        },
      }),
    );
    expect(issues).toEqual([
      { path: ['sla', 'overrides', 0, 'category'], message: 'unknown category "shipping"' },
      { path: ['sla', 'overrides', 1, 'category'], message: 'unknown category "customs"' },
    ]);
    expect(error.message).toContain('sla.overrides[0].category');
  });

  it('shape and reference problems of the new sections are reported together', () => {
    const { issues } = problems(
      smallConfig(
        {
          calendars: { cn: { timezone: 'Nowhere/City' } },
          sla: { warnAt: 2, overrides: [{ category: 'ghost' }] },
          routing: { rules: [{ team: 'ghosts' }] },
          notifications: { limit: 0 },
        },
        { calendar: 'nope' },
      ),
    );
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        ['calendars', 'cn', 'timezone'],
        ['sla', 'warnAt'],
        ['notifications', 'limit'],
        ['teams', 0, 'calendar'],
        ['routing', 'rules', 0, 'team'],
        ['sla', 'overrides', 0, 'category'],
      ]),
    );
    expect(issues).toHaveLength(6);
  });

  it('a nudge that does not come before the auto-close is reported at its path', () => {
    const { issues } = problems(smallConfig({ sla: { pendingCustomer: { nudgeAfter: '3d', closeAfter: '2d' } } }));
    expect(issues).toEqual([{ path: ['sla', 'pendingCustomer', 'nudgeAfter'], message: 'the nudge must come before the auto-close' }]);
  });

  it('an unknown key in a new section is refused', () => {
    expect(problems(smallConfig({ routing: { roundRobin: true } })).issues[0]?.path).toEqual(['routing']);
    expect(problems(smallConfig({ notifications: { perMinute: 5 } })).issues[0]?.path).toEqual(['notifications']);
  });
});

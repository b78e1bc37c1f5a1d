// Fixtures of the SLA clock tests (clock.test.ts, clock-stages.test.ts).
import { readFileSync } from 'node:fs';
import { type AppConfig, BUNDLED_CONFIG, parseConfig } from '../../../../core/config.js';
import { EMPTY_SLA, type SlaSubject, type Stage } from '../../../../core/sla/clock.js';
import { newTicketState } from '../../../../core/tickets/lifecycle.js';
import type { SlaState, TicketState } from '../../../../core/tickets/types.js';

/*
 * The SLA clocks as pure functions. Every expected instant is written out by hand, with its offset.
 * Calendar "cn": Asia/Shanghai, Mon–Fri 09:00–12:00 and 13:30–18:00 (7.5 business hours a day).
 * The after-sales team runs on it; logistics has no calendar (24/7). 2026-11-23 is a Monday.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const bundled = JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')) as { teams: { id: string }[] } & Record<string, unknown>;

export function configWith(sla: Record<string, unknown> = {}): AppConfig {
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

export const config = configWith();
export const at = (iso: string) => new Date(iso);

/** A ticket as the SLA functions read it: new, unassigned, P3 "other", standard tier. */
export function ticket(overrides: Partial<SlaSubject> = {}): SlaSubject {
  return {
    ...newTicketState({ teamId: 'after-sales', category: 'other', priority: 'P3' }),
    id: 42,
    customerId: 7,
    version: 1,
    createdAt: at('2026-11-24T10:00:00+08:00'),
    customerTier: 'standard',
    sla: EMPTY_SLA,
    ...overrides,
  };
}

export const sla = (overrides: Partial<SlaState>): SlaState => ({ ...EMPTY_SLA, ...overrides });

/** The state part of a subject, for trackSla's `next`. */
export function stateOf(t: SlaSubject, changes: Partial<TicketState> = {}): TicketState {
  const { createdAt: _c, customerTier: _t, sla: _s, ...state } = t;
  return { ...state, ...changes };
}

export const show = (stages: Stage[]) => stages.map((s) => [s.kind, s.at.toISOString()]);
export const iso = (text: string) => at(text).toISOString();

// A P1 ticket created Friday 17:50 local on the business-hours team, with its clocks written by hand:
// 10 minutes on Friday, the rest from Monday 09:00 (lunch 12:00–13:30 excluded).
export const FRIDAY_P1 = ticket({
  priority: 'P1',
  createdAt: at('2026-11-27T17:50:00+08:00'),
  sla: sla({
    firstResponseMs: 30 * MINUTE,
    resolutionMs: 4 * HOUR,
    firstResponseDueAt: at('2026-11-30T09:20:00+08:00'),
    resolutionDueAt: at('2026-11-30T14:20:00+08:00'),
  }),
});

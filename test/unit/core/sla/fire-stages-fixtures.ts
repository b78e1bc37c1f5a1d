// Fixtures of the fireStages tests (fire-stages.test.ts, fire-stages-escalation.test.ts).
import { readFileSync } from 'node:fs';
import { type AppConfig, BUNDLED_CONFIG, parseConfig } from '../../../../core/config.js';
import { EMPTY_SLA, type Stage, type StageKind } from '../../../../core/sla/clock.js';
import type { Ticket } from '../../../../core/tickets/types.js';
import { ticketFixture } from '../../../helpers/ticket-fixture.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const bundled = JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')) as { teams: { id: string; supervisor?: string }[] } & Record<string, unknown>;

export function configWith(sla: Record<string, unknown> = {}, team: Record<string, unknown> = {}): AppConfig {
  const raw = {
    ...bundled,
    calendars: {
      shanghai: { timezone: 'Asia/Shanghai', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], hours: [{ from: '00:00', to: '24:00' }] },
    },
    teams: bundled.teams.map(({ calendar: _shop, ...t }: { id: string; supervisor?: string; calendar?: string }) =>
      t.id === 'after-sales' ? { ...t, calendar: 'shanghai', ...team } : t,
    ),
    sla,
  };
  return parseConfig(JSON.stringify(raw), 'json');
}

export const config = configWith();
export const at = (iso: string) => new Date(iso);
export const iso = (text: string) => at(text).toISOString();
export const stage = (kind: StageKind, when: string): Stage => ({ kind, at: at(when) });

export const CREATED = '2026-11-24T10:00:00+08:00';
// P2: first response 2 h (warning at 1.5 h), resolution 24 h (warning at 18 h).
export const FR_WARNING = '2026-11-24T11:30:00+08:00';
export const FR_DUE = '2026-11-24T12:00:00+08:00';
export const RES_WARNING = '2026-11-25T04:00:00+08:00';
export const RES_DUE = '2026-11-25T10:00:00+08:00';

/** A new, unassigned P2 after-sales ticket at version 5 with its clocks written by hand. */
export function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return ticketFixture({
    id: 42,
    number: 'T-000042',
    title: 'Parcel lost',
    description: 'My parcel never arrived',
    teamId: 'after-sales',
    customerId: 7,
    category: 'other',
    version: 5,
    sla: {
      ...EMPTY_SLA,
      firstResponseMs: 2 * HOUR,
      resolutionMs: 24 * HOUR,
      firstResponseDueAt: at(FR_DUE),
      resolutionDueAt: at(RES_DUE),
      nextCheckAt: at(FR_WARNING),
    },
    createdAt: at(CREATED),
    updatedAt: at(CREATED),
    ...overrides,
  });
}

/** The same ticket, assigned to lin and answered. */
export const assigned = (overrides: Partial<Ticket> = {}) =>
  ticket({ status: 'in_progress', assigneeId: 'lin', assignedAt: at(CREATED), firstResponseAt: at('2026-11-24T10:10:00+08:00'), ...overrides });

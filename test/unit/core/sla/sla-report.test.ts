import { describe, expect, it } from 'vitest';
import { BUNDLED_CONFIG, loadConfig } from '../../../../core/config.js';
import { EMPTY_SLA } from '../../../../core/sla/clock.js';
import { slaStanding } from '../../../../core/sla/sla-report.js';
import type { Ticket } from '../../../../core/tickets/types.js';
import { ticketFixture } from '../../../helpers/ticket-fixture.js';

/*
 * slaStanding on the bundled config without its calendars (24/7, warnings at 75%). A P2 logistics ticket created
 * 10:00: first response due 12:00 (at risk from 11:30), resolution due next day 10:00 (at risk from 04:00).
 */

const HOUR = 3_600_000;
const bundled = loadConfig(BUNDLED_CONFIG);
// The bundled teams run on shop hours; these cases are about the clocks, so 24/7.
const deps = { config: { ...bundled, teams: bundled.teams.map(({ calendar: _hours, ...team }) => team) } };
const at = (iso: string) => new Date(iso);

const FR_DUE = at('2026-11-24T12:00:00+08:00');
const RES_DUE = at('2026-11-25T10:00:00+08:00');

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return ticketFixture({
    sla: { ...EMPTY_SLA, firstResponseMs: 2 * HOUR, resolutionMs: 24 * HOUR, firstResponseDueAt: FR_DUE, resolutionDueAt: RES_DUE },
    ...overrides,
  });
}

const answered = (overrides: Partial<Ticket> = {}) =>
  ticket({ status: 'in_progress', assigneeId: 'zhou', firstResponseAt: at('2026-11-24T10:20:00+08:00'), ...overrides });

/** The standing without the ticket, for short expectations. */
function standing(t: Ticket, now: string) {
  const row = slaStanding(deps, t, at(now));
  if (!row) return null;
  expect(row.ticket).toBe(t);
  return { state: row.state, clock: row.clock, dueAt: row.dueAt };
}

describe('slaStanding', () => {
  it('is null while no warning share has passed', () => {
    expect(standing(ticket(), '2026-11-24T11:29:59+08:00')).toBeNull();
  });

  it('is at risk on first response from the warning share on', () => {
    expect(standing(ticket(), '2026-11-24T11:30:00+08:00')).toEqual({ state: 'at_risk', clock: 'first_response', dueAt: FR_DUE });
  });

  it('is breached on first response from its due time on', () => {
    expect(standing(ticket(), '2026-11-24T12:00:00+08:00')).toEqual({ state: 'breached', clock: 'first_response', dueAt: FR_DUE });
  });

  it('once answered, only the resolution clock counts', () => {
    expect(standing(answered(), '2026-11-24T13:00:00+08:00')).toBeNull();
    expect(standing(answered(), '2026-11-25T04:00:00+08:00')).toEqual({ state: 'at_risk', clock: 'resolution', dueAt: RES_DUE });
    expect(standing(answered(), '2026-11-25T10:00:00+08:00')).toEqual({ state: 'breached', clock: 'resolution', dueAt: RES_DUE });
  });

  it('a breach on one clock outranks a risk on the other', () => {
    // Resolution target of 3 h: at risk from 12:15, due 13:00; first response breached at 12:00.
    const short = ticket({ sla: { ...ticket().sla, resolutionMs: 3 * HOUR, resolutionDueAt: at('2026-11-24T13:00:00+08:00') } });
    expect(standing(short, '2026-11-24T12:30:00+08:00')).toEqual({ state: 'breached', clock: 'first_response', dueAt: FR_DUE });
    // First response target of 4 h (at risk from 13:00), resolution breached at 13:00.
    const late = ticket({
      sla: {
        ...ticket().sla,
        firstResponseMs: 4 * HOUR,
        firstResponseDueAt: at('2026-11-24T14:00:00+08:00'),
        resolutionMs: 3 * HOUR,
        resolutionDueAt: at('2026-11-24T13:00:00+08:00'),
      },
    });
    expect(standing(late, '2026-11-24T13:30:00+08:00')).toEqual({ state: 'breached', clock: 'resolution', dueAt: at('2026-11-24T13:00:00+08:00') });
  });

  it('stays at risk or breached after the reminders fired', () => {
    const fired = ticket({ sla: { ...ticket().sla, stages: { fr_warning: FR_DUE.toISOString() } } });
    expect(standing(fired, '2026-11-24T11:45:00+08:00')).toEqual({ state: 'at_risk', clock: 'first_response', dueAt: FR_DUE });
  });

  it('is null for a clock without a target', () => {
    const noTargets = ticket({ sla: { ...EMPTY_SLA } });
    expect(standing(noTargets, '2026-12-30T00:00:00+08:00')).toBeNull();
  });

  it('an overdue pending nudge is not an SLA risk', () => {
    const pending = answered({ status: 'pending_customer', pendingSince: at('2026-11-24T11:00:00+08:00') });
    expect(standing(pending, '2026-11-25T12:00:00+08:00')).toBeNull();
  });

  it('is null for resolved, closed and merged tickets', () => {
    const now = '2026-12-30T00:00:00+08:00';
    expect(standing(answered({ status: 'resolved', resolvedAt: at('2026-11-24T11:00:00+08:00') }), now)).toBeNull();
    expect(standing(answered({ status: 'closed', closedAt: at('2026-11-24T11:00:00+08:00') }), now)).toBeNull();
    expect(standing(ticket({ status: 'closed', duplicateOfId: 8, closeReason: 'duplicate' }), now)).toBeNull();
  });
});

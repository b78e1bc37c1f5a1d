import { describe, expect, it } from 'vitest';
import { render } from '../../../../core/i18n/translate.js';
import { fireStages } from '../../../../core/sla/fire-stages.js';
import { formatLocalTime } from '../../../../core/sla/time-zone.js';
import { SYSTEM_ACTOR } from '../../../../core/tickets/types.js';

/*
 * fireStages from the outside: a ticket and its due stages in, version-chained changes out.
 * The after-sales team runs on an always-open Asia/Shanghai calendar, so business time is wall-clock
 * time and the due times in messages are rendered in UTC+8. Expected instants are written by hand.
 */

import { assigned, at, config, configWith, FR_DUE, HOUR, iso, RES_DUE, RES_WARNING, stage, ticket } from './fire-stages-fixtures.js';

describe('fireStages: escalation at a breach', () => {
  const raise = configWith({ onBreach: { raisePriority: true } });
  const reassign = configWith({ onBreach: { reassignTo: 'supervisor' } });

  it('raisePriority raises the priority one step and keeps the deadlines', () => {
    const [change] = fireStages(raise, assigned(), [stage('res_breach', RES_DUE)], at(RES_DUE));
    expect(change?.next.priority).toBe('P1');
    expect(change?.event).toEqual({ action: 'sla_breach', actor: SYSTEM_ACTOR, before: { priority: 'P2' }, after: { priority: 'P1' }, note: 'res_breach' });
    expect(change?.sla).toEqual(
      expect.objectContaining({
        firstResponseMs: 2 * HOUR,
        resolutionMs: 24 * HOUR,
        firstResponseDueAt: at(FR_DUE),
        resolutionDueAt: at(RES_DUE),
      }),
    );
    expect(change?.next.version).toBe(6);
  });

  it('raisePriority leaves a P1 at P1', () => {
    const [change] = fireStages(raise, assigned({ priority: 'P1' }), [stage('res_breach', RES_DUE)], at(RES_DUE));
    expect(change?.next.priority).toBe('P1');
    expect(change?.event.before).toEqual({});
  });

  // BUG: config says raisePriority acts "at a resolution breach", but escalate() runs for fr_breach too,
  // so a ticket that misses both targets is raised two steps (P3 → P2 → P1).
  it('raisePriority does not raise the priority at a first-response breach', () => {
    const [change] = fireStages(raise, ticket(), [stage('fr_breach', FR_DUE)], at(FR_DUE));
    expect(change?.next.priority).toBe('P2');
  });

  it("reassignTo: 'supervisor' hands the ticket to the team supervisor", () => {
    const now = at(RES_DUE);
    const [change] = fireStages(reassign, assigned(), [stage('res_breach', RES_DUE)], now);
    expect(change?.next).toEqual(expect.objectContaining({ assigneeId: 'li', status: 'in_progress', assignedAt: now, version: 6 }));
    expect(change?.event.before).toEqual({ assigneeId: 'lin' });
    expect(change?.event.after).toEqual({ assigneeId: 'li' });
    // The breach notice names the assignee who missed the target.
    expect(change?.notifications?.[0]?.message.params).toEqual(expect.objectContaining({ assignee: '林晓雨', who: '李静' }));
  });

  it("reassignTo: 'supervisor' assigns an unassigned new ticket", () => {
    const [change] = fireStages(reassign, ticket(), [stage('fr_breach', FR_DUE)], at(FR_DUE));
    expect(change?.next).toEqual(expect.objectContaining({ assigneeId: 'li', status: 'assigned' }));
  });

  it("reassignTo: 'supervisor' leaves a ticket the supervisor already has", () => {
    const t = assigned({ assigneeId: 'li' });
    const [change] = fireStages(reassign, t, [stage('res_breach', RES_DUE)], at(RES_DUE));
    expect(change?.next.assignedAt).toEqual(t.assignedAt);
    expect(change?.event.before).toEqual({});
  });

  it('a warning never escalates', () => {
    const [change] = fireStages(
      configWith({ onBreach: { raisePriority: true, reassignTo: 'supervisor' } }),
      assigned(),
      [stage('res_warning', RES_WARNING)],
      at(RES_WARNING),
    );
    expect(change?.next.priority).toBe('P2');
    expect(change?.next.assigneeId).toBe('lin');
  });
});

describe('fireStages: waiting on the customer', () => {
  const since = '2026-11-24T14:00:00+08:00';
  const pending = () =>
    assigned({
      status: 'pending_customer',
      pendingSince: at(since),
      sla: { ...assigned().sla, pausedSince: at(since), nextCheckAt: at('2026-11-25T14:00:00+08:00') },
    });

  it('the nudge asks the customer in the ticket thread and says when the ticket will close', () => {
    const nudgeAt = '2026-11-25T14:00:00+08:00';
    const [change] = fireStages(config, pending(), [stage('pending_nudge', nudgeAt)], at(nudgeAt));
    expect(change?.event).toEqual({ action: 'pending_nudge', actor: SYSTEM_ACTOR, before: {}, after: {}, note: 'pending_nudge' });
    expect(change?.next.status).toBe('pending_customer');
    expect(change?.notifications).toEqual([
      {
        dedupeKey: `pending_nudge:42:${iso(nudgeAt)}`,
        ticketId: 42,
        kind: 'pending_nudge',
        audience: 'customer',
        recipientId: null,
        destination: 'ticket:42',
        at: at(nudgeAt),
        message: { key: 'notify.pendingNudge', params: expect.objectContaining({ number: 'T-000042', left: '2d' }) },
      },
    ]);
    // Next: the auto-close, 72 h after the wait began.
    expect(change?.sla?.nextCheckAt).toEqual(at('2026-11-27T14:00:00+08:00'));
  });

  // BUG: with closeAfter switched off (null, which the config allows) the nudge still uses
  // notify.pendingNudge with an empty {left}: "Without a reply within  it will be closed", yet nothing closes it.
  it('with the auto-close off, the nudge does not announce a close', () => {
    const noClose = configWith({ pendingCustomer: { nudgeAfter: '24h', closeAfter: null } });
    const nudgeAt = '2026-11-25T14:00:00+08:00';
    const [change] = fireStages(noClose, pending(), [stage('pending_nudge', nudgeAt)], at(nudgeAt));
    const message = change?.notifications?.[0]?.message;
    if (!message) throw new Error('no nudge');
    expect(render('en', message)).not.toContain('will be closed');
  });

  it('the auto-close closes with reason no_customer_response and tells the customer', () => {
    const closeAt = '2026-11-27T14:00:00+08:00';
    const now = at('2026-11-27T14:00:05+08:00');
    const [change] = fireStages(config, pending(), [stage('pending_close', closeAt)], now);
    expect(change?.next).toEqual(
      expect.objectContaining({ status: 'closed', closeReason: 'no_customer_response', closedAt: now, pendingSince: null, assigneeId: 'lin', version: 6 }),
    );
    expect(change?.event).toEqual({
      action: 'close',
      actor: SYSTEM_ACTOR,
      before: { status: 'pending_customer', closeReason: null },
      after: { status: 'closed', closeReason: 'no_customer_response' },
      note: 'pending_close',
    });
    expect(change?.notifications).toEqual([
      expect.objectContaining({
        dedupeKey: `pending_close:42:${iso(closeAt)}`,
        kind: 'pending_close',
        audience: 'customer',
        recipientId: null,
        destination: 'ticket:42',
        message: expect.objectContaining({ key: 'notify.pendingClosed' }),
      }),
    ]);
    expect(change?.sla?.nextCheckAt).toBeNull();
    expect(change?.sla?.stages).toEqual({ pending_close: iso(closeAt) });
  });

  it('a nudge and a close due together fire in one chain and end closed', () => {
    const changes = fireStages(
      config,
      pending(),
      [stage('pending_nudge', '2026-11-25T14:00:00+08:00'), stage('pending_close', '2026-11-27T14:00:00+08:00')],
      at('2026-11-28T00:00:00+08:00'),
    );
    expect(changes.map((c) => [c.expectedVersion, c.event.action, c.next.status])).toEqual([
      [5, 'pending_nudge', 'pending_customer'],
      [6, 'close', 'closed'],
    ]);
    expect(changes[1]?.sla?.nextCheckAt).toBeNull();
  });
});

describe('fireStages: resolved tickets', () => {
  it('the auto-close closes with reason resolved', () => {
    const resolvedAt = at('2026-11-24T15:00:00+08:00');
    const t = assigned({ status: 'resolved', resolvedAt, sla: { ...assigned().sla, pausedSince: resolvedAt } });
    const closeAt = '2026-12-01T15:00:00+08:00';
    const [change] = fireStages(config, t, [stage('resolved_close', closeAt)], at(closeAt));
    expect(change?.next).toEqual(expect.objectContaining({ status: 'closed', closeReason: 'resolved', closedAt: at(closeAt) }));
    expect(change?.event).toEqual(expect.objectContaining({ action: 'close', note: 'resolved_close' }));
    expect(change?.notifications).toEqual([
      expect.objectContaining({ audience: 'customer', destination: 'ticket:42', message: expect.objectContaining({ key: 'notify.resolvedClosed' }) }),
    ]);
    expect(change?.sla?.nextCheckAt).toBeNull();
  });
});

describe('formatLocalTime', () => {
  it.each([
    ['2026-11-24T06:30:00Z', 'Asia/Shanghai', '2026-11-24 14:30'],
    ['2026-11-24T16:00:00Z', 'Asia/Shanghai', '2026-11-25 00:00'],
    ['2026-07-01T12:05:00Z', 'America/New_York', '2026-07-01 08:05'],
    ['2026-12-01T12:05:00Z', 'America/New_York', '2026-12-01 07:05'],
    ['2026-01-01T00:00:00Z', 'UTC', '2026-01-01 00:00'],
  ])('%s in %s is %s', (instant, zone, text) => {
    expect(formatLocalTime(at(instant), zone)).toBe(text);
  });

  it("without a time zone uses the server's, in the same layout", () => {
    expect(formatLocalTime(at('2026-11-24T06:30:00Z'), undefined)).toMatch(/^2026-11-2[45] \d{2}:30$/);
  });
});

import { afterEach, describe, expect, test } from 'vitest';
import { backfillSla } from '../../core/sla/backfill.js';
import { addReply } from '../../core/tickets/add-reply.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { AGENT_REPLY } from '../../core/tickets/notices.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { type AutomatedCore, configWith, makeAutomatedCore } from '../helpers/automation.js';
import { agent } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const lin = agent('lin');
// 24/7 clocks with the default policy (P3 without a rule: first response 8 h, resolution 48 h).
const alwaysOpen = configWith((raw) => {
  for (const team of raw.teams as { calendar?: string }[]) delete team.calendar;
  raw.routing = { ...(raw.routing as object), autoAssign: false };
});

// Tickets opened before the SLA upgrade have no clocks; at start they get clocks that begin then.
describe.each(PROVIDERS)('SLA clocks for tickets from before the upgrade on $name', (provider) => {
  let core: AutomatedCore;
  afterEach(async () => {
    await core?.close();
  });

  const open = async (n: number) =>
    (
      await intakeMessage(core.deps, {
        platform: 'web',
        platformMessageId: `m-${n}`,
        author: { platformUserId: `c-${n}` },
        text: '快递一直没到，能帮我查一下吗',
        channel: 'web',
      })
    ).ticket;
  /** What a ticket looked like before the SLA migration: every SLA column at its default. */
  const unclock = (id: number) =>
    core.database.db.ticket.update({
      where: { id },
      data: { slaFirstResponseMs: null, slaResolutionMs: null, firstResponseDueAt: null, resolutionDueAt: null, slaNextCheckAt: null, slaStages: '{}' },
    });

  test('clocks start at the upgrade, not at opening: no flood of breaches for old tickets', async () => {
    core = await makeAutomatedCore(await provider.fresh(), alwaysOpen);
    const waiting = await open(1);
    const answered = await open(2);
    await act.claimTicket(core.deps, answered.id, lin);
    await addReply(core.deps, answered.id, lin, { body: '正在查询' });
    const pending = await open(3);
    await act.claimTicket(core.deps, pending.id, lin);
    await addReply(core.deps, pending.id, lin, { body: '请提供一下订单号' });
    await act.markPending(core.deps, pending.id, lin);
    const closed = await open(4);
    await act.claimTicket(core.deps, closed.id, lin);
    await act.closeTicket(core.deps, closed.id, lin);
    for (const t of [waiting, answered, pending, closed]) await unclock(t.id);

    core.clock.advance(10 * DAY); // the upgrade comes long after these tickets were opened
    const upgradeAt = core.clock.now().getTime();
    expect(await backfillSla(core.deps)).toBe(3);

    const now = async (id: number) => {
      const t = await core.deps.tickets.findTicket(id);
      if (!t) throw new Error('gone');
      return t;
    };
    const w = await now(waiting.id);
    expect(w.sla.firstResponseDueAt?.getTime()).toBe(upgradeAt + (w.sla.firstResponseMs ?? 0));
    expect(w.sla.resolutionDueAt?.getTime()).toBe(upgradeAt + (w.sla.resolutionMs ?? 0));
    expect(w.sla.firstResponseBreachedAt).toBeNull();
    expect((await now(answered.id)).sla.resolutionDueAt?.getTime()).toBeGreaterThan(upgradeAt);
    const p = await now(pending.id);
    expect(p.sla.pausedSince?.getTime()).toBe(upgradeAt); // waiting on the customer: paused
    expect(p.pendingSince?.getTime()).toBe(upgradeAt); // its nudge clock starts now: nudge first, close later
    expect((await now(closed.id)).sla.firstResponseMs).toBeNull(); // closed tickets are left alone
    expect((await core.deps.tickets.listEvents(waiting.id)).map((e) => e.action)).toContain('sla_started');

    // Nothing is due at the upgrade itself: no reminder goes out for the old tickets.
    expect(await core.automation.sla.sweep(0)).toBe(0);
    expect((await core.automation.notifications.list({})).filter((n) => n.kind !== AGENT_REPLY)).toEqual([]);
    // A day later the long-pending customer gets the nudge (not an auto-close without a warning).
    core.clock.advance(DAY);
    await core.automation.sla.sweep(0);
    const reminders = (await core.automation.notifications.list({ ticketId: pending.id })).filter((n) => n.kind !== AGENT_REPLY);
    expect(reminders.map((n) => n.kind)).toEqual(['pending_nudge']);
    expect((await now(pending.id)).status).toBe('pending_customer');
    // Done once: a second start finds nothing to do.
    expect(await backfillSla(core.deps)).toBe(0);
  });

  test('the clocks keep counting from the upgrade after later changes (claim, priority): no breach dated from the opening', async () => {
    core = await makeAutomatedCore(await provider.fresh(), alwaysOpen);
    const old = await open(1);
    await unclock(old.id);
    core.clock.advance(10 * DAY);
    const upgradeAt = core.clock.now().getTime();
    await backfillSla(core.deps);
    core.clock.advance(HOUR);
    await act.claimTicket(core.deps, old.id, lin);
    await act.setPriority(core.deps, old.id, lin, 'P2');
    await core.automation.sla.sweep(0);
    const t = await core.deps.tickets.findTicket(old.id);
    // P2 with the default policy: first response 2 h, resolution 24 h, counted from the upgrade.
    expect(t?.sla.firstResponseDueAt?.getTime()).toBe(upgradeAt + 2 * HOUR);
    expect(t?.sla.resolutionDueAt?.getTime()).toBe(upgradeAt + 24 * HOUR);
    expect(t?.sla.firstResponseBreachedAt).toBeNull();
    expect((await core.automation.notifications.list({ ticketId: old.id })).map((n) => n.kind)).not.toContain('fr_breach');
  });

  test('the SLA timers backfill at start, so a restarted bot watches the old tickets too', async () => {
    core = await makeAutomatedCore(await provider.fresh(), alwaysOpen);
    const old = await open(1);
    await unclock(old.id);
    await core.automation.sla.start();
    const t = await core.deps.tickets.findTicket(old.id);
    expect(t?.sla.nextCheckAt).not.toBeNull();
    expect(t?.sla.firstResponseMs).not.toBeNull();
  });

  test('a policy without targets leaves tickets without clocks, and backfill keeps finding nothing to do', async () => {
    const noTargets = configWith((raw) => {
      for (const team of raw.teams as { calendar?: string }[]) delete team.calendar;
      const none = { firstResponse: null, resolution: null };
      raw.sla = { targets: { P1: none, P2: none, P3: none, P4: none }, overrides: [] };
    });
    core = await makeAutomatedCore(await provider.fresh(), noTargets);
    const t = await open(1);
    expect(t.sla.firstResponseMs).toBeNull();
    expect(await backfillSla(core.deps)).toBe(0);
    expect((await core.deps.tickets.findTicket(t.id))?.version).toBe(t.version);
  });
});

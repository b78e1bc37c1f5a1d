import { afterEach, describe, expect, test } from 'vitest';
import { retargetOnPolicyChange } from '../../core/sla/retarget.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { type AutomatedCore, configWith, makeAutomatedCore } from '../helpers/automation.js';
import { agent } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

const HOUR = 3_600_000;
const lin = agent('lin');
/** 24/7 clocks; `p3` sets the P3 targets (the default policy gives 8 h / 48 h). */
const policy = (p3?: { firstResponse: string; resolution: string; nextResponse?: string }) =>
  configWith((raw) => {
    for (const team of raw.teams as { calendar?: string }[]) delete team.calendar;
    raw.routing = { ...(raw.routing as object), autoAssign: false };
    if (p3) raw.sla = { ...(raw.sla as object), targets: { P3: p3 }, overrides: [] };
  });

// A changed SLA policy in the config applies to the deadlines of tickets already open.
describe.each(PROVIDERS)('SLA policy changes on $name', (provider) => {
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
        text: '请问发票什么时候能开好',
        channel: 'web',
      })
    ).ticket;
  const ticket = async (id: number) => {
    const t = await core.deps.tickets.findTicket(id);
    if (!t) throw new Error('gone');
    return t;
  };

  test('new targets reach open tickets once, counted from their start, with the paused time kept; an unchanged config changes nothing', async () => {
    core = await makeAutomatedCore(await provider.fresh(), policy({ firstResponse: '8h', resolution: '48h' }));
    const waiting = await open(1);
    const paused = await open(2);
    expect(waiting.priority).toBe('P3');
    await act.claimTicket(core.deps, paused.id, lin);
    await act.markPending(core.deps, paused.id, lin);
    // The first start with this feature only records the policy in effect.
    expect(await retargetOnPolicyChange(core.deps)).toBe(0);
    expect(await retargetOnPolicyChange(core.deps)).toBe(0);

    core.clock.advance(HOUR);
    const tighter = { ...core.deps, config: policy({ firstResponse: '4h', resolution: '24h' }) };
    expect(await retargetOnPolicyChange(tighter)).toBe(2);
    const w = await ticket(waiting.id);
    expect(w.sla.firstResponseMs).toBe(4 * HOUR);
    expect(w.sla.firstResponseDueAt?.getTime()).toBe(waiting.createdAt.getTime() + 4 * HOUR);
    expect(w.sla.resolutionDueAt?.getTime()).toBe(waiting.createdAt.getTime() + 24 * HOUR);
    expect(w.sla.nextCheckAt?.getTime()).toBe(waiting.createdAt.getTime() + 3 * HOUR); // the 75 % warning
    expect((await core.deps.tickets.listEvents(waiting.id)).map((e) => e.action)).toContain('sla_retargeted');
    const p = await ticket(paused.id);
    expect(p.status).toBe('pending_customer');
    expect(p.sla.resolutionMs).toBe(24 * HOUR);
    expect(p.sla.pausedSince).not.toBeNull();

    // Started again with the same config: nothing to do, no new event.
    const events = (await core.deps.tickets.listEvents(waiting.id)).length;
    expect(await retargetOnPolicyChange(tighter)).toBe(0);
    expect((await core.deps.tickets.listEvents(waiting.id)).length).toBe(events);
  });

  test('a ticket whose retarget keeps losing its write is retried, and the policy is applied again at the next start if it still could not be', async () => {
    core = await makeAutomatedCore(await provider.fresh(), policy({ firstResponse: '8h', resolution: '48h' }));
    const first = await open(1);
    const second = await open(2);
    expect(await retargetOnPolicyChange(core.deps)).toBe(0);
    const store = core.deps.tickets;
    const tighter = policy({ firstResponse: '4h', resolution: '24h' });
    // The first ticket loses one race (re-read, then applied); the second loses every race this start.
    let lostOnce = false;
    const racing = Object.create(store) as typeof store;
    racing.applyChanges = (changes) => {
      const id = changes[0]?.ticketId;
      if (id === second.id || (id === first.id && !lostOnce)) {
        lostOnce ||= id === first.id;
        return Promise.resolve(false);
      }
      return store.applyChanges(changes);
    };
    expect(await retargetOnPolicyChange({ ...core.deps, tickets: racing, config: tighter })).toBe(1);
    expect((await ticket(first.id)).sla.firstResponseMs).toBe(4 * HOUR);
    expect((await ticket(second.id)).sla.firstResponseMs).toBe(8 * HOUR);
    // Not recorded as applied: the next start gives the second ticket its new targets.
    expect(await retargetOnPolicyChange({ ...core.deps, config: tighter })).toBe(1);
    expect((await ticket(second.id)).sla.firstResponseMs).toBe(4 * HOUR);
    expect(await retargetOnPolicyChange({ ...core.deps, config: tighter })).toBe(0);
  });

  test('closed tickets keep the deadlines they had', async () => {
    core = await makeAutomatedCore(await provider.fresh(), policy());
    const done = await open(1);
    await act.claimTicket(core.deps, done.id, lin);
    await act.closeTicket(core.deps, done.id, lin);
    await retargetOnPolicyChange(core.deps);
    const before = (await ticket(done.id)).sla;
    expect(await retargetOnPolicyChange({ ...core.deps, config: policy({ firstResponse: '1h', resolution: '2h' }) })).toBe(0);
    expect((await ticket(done.id)).sla).toEqual(before);
  });

  test('a next-response target switched on reaches open tickets that nobody is waiting on yet', async () => {
    core = await makeAutomatedCore(await provider.fresh(), policy({ firstResponse: '8h', resolution: '48h' }));
    const t = await open(1);
    await retargetOnPolicyChange(core.deps);
    expect(t.sla.nextResponseMs).toBeNull();
    const withNext = { ...core.deps, config: policy({ firstResponse: '8h', resolution: '48h', nextResponse: '2h' }) };
    expect(await retargetOnPolicyChange(withNext)).toBe(1);
    expect((await ticket(t.id)).sla.nextResponseMs).toBe(2 * HOUR);
  });
});

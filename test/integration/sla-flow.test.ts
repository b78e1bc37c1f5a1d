import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AppConfig } from '../../core/config.js';
import { DeferredScheduler } from '../../core/jobs/deferred-scheduler.js';
import { InProcessScheduler } from '../../core/jobs/in-process-scheduler.js';
import type { Scheduler } from '../../core/jobs/scheduler.js';
import { SlaTimers } from '../../core/sla/sla-timers.js';
import { addReply } from '../../core/tickets/add-reply.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { type AutomatedCore, advanceAndSweep, configWith, makeAutomatedCore, openP2Ticket, reminderKinds } from '../helpers/automation.js';
import { agent, supervisor } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const lin = agent('lin');
const at = (iso: string) => new Date(iso).toISOString();

/** 24/7 clocks, the default policy (P2: first response 2 h, resolution 24 h; warnings at 75%). */
const open247 = (raw: Record<string, unknown>) => {
  for (const team of raw.teams as { calendar?: string }[]) delete team.calendar;
};
const alwaysOpen = configWith(open247);

describe.each(PROVIDERS)('SLA clocks, reminders and escalation on $name', (provider) => {
  let core: AutomatedCore;
  afterEach(async () => {
    await core?.close();
  });

  async function start(config: AppConfig = alwaysOpen): Promise<void> {
    core = await makeAutomatedCore(await provider.fresh(), config);
  }

  const openTicket = (n = 1) => openP2Ticket(core, n);
  const kinds = (ticketId: number) => reminderKinds(core, ticketId);
  const later = (ms: number) => advanceAndSweep(core, ms);

  test('deadlines are set at intake; the assignee is reminded at 75%, the supervisor told at breach, each once', async () => {
    await start();
    const { ticket } = await openTicket();
    expect(ticket.assigneeId).toBe('lin');
    expect(ticket.sla.firstResponseDueAt?.toISOString()).toBe(at('2026-11-23T04:00:00Z'));
    expect(ticket.sla.resolutionDueAt?.toISOString()).toBe(at('2026-11-24T02:00:00Z'));
    expect(ticket.sla.nextCheckAt?.toISOString()).toBe(at('2026-11-23T03:30:00Z'));

    await later(89 * MIN);
    expect(await kinds(ticket.id)).toEqual(['assigned']);
    await later(1 * MIN);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'fr_warning']);
    await later(0);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'fr_warning']);
    const [warning] = (await core.automation.notifications.list({ ticketId: ticket.id })).filter((n) => n.kind === 'fr_warning');
    expect(warning).toMatchObject({ audience: 'assignee', recipientId: 'lin', destination: `ticket:${ticket.id}` });

    await later(30 * MIN);
    const breached = await core.deps.tickets.findTicket(ticket.id);
    expect(breached?.sla.firstResponseBreachedAt?.toISOString()).toBe(at('2026-11-23T04:00:00Z'));
    const breach = (await core.automation.notifications.list({ ticketId: ticket.id })).find((n) => n.kind === 'fr_breach');
    expect(breach).toMatchObject({ audience: 'supervisor', recipientId: 'li', destination: 'agent:li' });
    const actions = (await core.deps.tickets.listEvents(ticket.id)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('sla_'))).toEqual(['sla_warning', 'sla_breach']);

    // Delivered through every gateway: the recording chat gateway, and the web channel as internal notes.
    expect(await core.automation.dispatcher.runOnce()).toMatchObject({ sent: 3, failed: 0 });
    const texts = core.gateway.sent.map((n) => n.text);
    expect(texts.some((t) => t.includes('T-000001') && t.includes('首次回复') && t.includes('林晓雨'))).toBe(true);
    // Durations in the reader's language: "还剩 30分钟", not "30m".
    expect(texts.some((t) => t.includes('还剩 30分钟'))).toBe(true);
    expect(texts.some((t) => t.includes('已超过首次响应时限') && t.includes('李静'))).toBe(true);
    const internal = (await core.deps.tickets.listMessages(ticket.id, { includeInternal: true })).filter((m) => m.authorName === 'ticketbot');
    expect(internal.map((m) => m.visibility)).toEqual(['internal', 'internal', 'internal']);
    expect((await core.deps.tickets.listMessages(ticket.id, { includeInternal: false })).some((m) => m.authorName === 'ticketbot')).toBe(false);

    // The first reply ends the first-response clock: the next stage is the resolution warning (75% of 24 h).
    const replied = await addReply(core.deps, ticket.id, lin, { body: '您好，马上为您处理换货。' });
    expect(replied.ticket.sla.nextCheckAt?.toISOString()).toBe(at('2026-11-23T20:00:00Z'));
  });

  test('a reply before the warning means no first-response reminders at all', async () => {
    await start();
    const { ticket } = await openTicket();
    core.clock.advance(10 * MIN);
    await addReply(core.deps, ticket.id, lin, { body: '收到，正在处理' });
    await later(5 * HOUR);
    expect(await kinds(ticket.id)).toEqual(['assigned']);
  });

  test('waiting on the customer pauses the resolution clock; their reply resumes it, the deadline moved by the pause', async () => {
    await start();
    const { ticket, customer } = await openTicket();
    core.clock.advance(10 * MIN);
    await addReply(core.deps, ticket.id, lin, { body: '请提供订单截图' });
    core.clock.advance(50 * MIN);
    const pending = await act.markPending(core.deps, ticket.id, lin);
    expect(pending.sla.pausedSince?.toISOString()).toBe(at('2026-11-23T03:00:00Z'));
    // 29 h later the original deadline (+24 h) has passed, but the clock stood still: no breach, only the nudge.
    await later(29 * HOUR);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'pending_nudge']);
    const resumed = await addReply(core.deps, ticket.id, customer, { body: '截图在这里' });
    expect(resumed.ticket.status).toBe('in_progress');
    expect(resumed.ticket.sla.pausedMs).toBe(29 * HOUR);
    expect(resumed.ticket.sla.resolutionDueAt?.toISOString()).toBe(at('2026-11-25T07:00:00Z'));
    expect(resumed.ticket.sla.nextCheckAt?.toISOString()).toBe(at('2026-11-25T01:00:00Z'));
  });

  test('a ticket left waiting on the customer is nudged at 24 h and closed at 72 h, with messages the customer sees', async () => {
    await start();
    const { ticket } = await openTicket();
    await addReply(core.deps, ticket.id, lin, { body: '请问是哪个尺码？' });
    await act.markPending(core.deps, ticket.id, lin);
    await later(24 * HOUR);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'pending_nudge']);
    await core.automation.dispatcher.runOnce();
    await later(48 * HOUR);
    const closed = await core.deps.tickets.findTicket(ticket.id);
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'no_customer_response' });
    expect(closed?.sla.nextCheckAt).toBeNull();
    const close = (await core.deps.tickets.listEvents(ticket.id)).at(-1);
    expect(close).toMatchObject({ action: 'close', actorRole: 'system' });
    await core.automation.dispatcher.runOnce();
    const visible = (await core.deps.tickets.listMessages(ticket.id, { includeInternal: false })).filter((m) => m.authorKind === 'bot');
    expect(visible.map((m) => m.body)).toEqual([expect.stringContaining('还在等您的回复'), expect.stringContaining('已自动关闭')]);
  });

  test('a nudge still queued when the customer answered is not delivered, even once the ticket waits on them again', async () => {
    await start();
    const { ticket, customer } = await openTicket();
    await addReply(core.deps, ticket.id, lin, { body: '请问是哪个尺码？' });
    await act.markPending(core.deps, ticket.id, lin);
    await later(24 * HOUR);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'pending_nudge']);
    // Before the nudge goes out, the customer answers and the agent asks again: a new wait.
    await addReply(core.deps, ticket.id, customer, { body: 'M 码' });
    await act.markPending(core.deps, ticket.id, lin);
    await core.automation.dispatcher.runOnce();
    expect(core.gateway.sent.filter((n) => n.kind === 'pending_nudge')).toEqual([]);
  });

  test('a resolved ticket closes by itself after 7 days; reopening before that stops it', async () => {
    await start();
    const first = await openTicket(1);
    const second = await openTicket(2);
    for (const { ticket } of [first, second]) await act.resolveTicket(core.deps, ticket.id, lin);
    core.clock.advance(3 * 24 * HOUR);
    await act.reopenTicket(core.deps, second.ticket.id, second.customer, 'still broken');
    await later(4 * 24 * HOUR);
    expect(await core.deps.tickets.findTicket(first.ticket.id)).toMatchObject({ status: 'closed', closeReason: 'resolved' });
    expect((await core.deps.tickets.findTicket(second.ticket.id))?.status).toBe('assigned');
  });

  test('escalation policy: at breach the priority goes one step up and the supervisor takes the ticket', async () => {
    await start(
      configWith((raw) => {
        open247(raw);
        raw.sla = { onBreach: { raisePriority: true, reassignTo: 'supervisor' } };
      }),
    );
    const { ticket } = await openTicket();
    // The first-response breach hands the ticket to the supervisor; the priority rises only at a resolution breach.
    await later(2 * HOUR);
    expect(await core.deps.tickets.findTicket(ticket.id)).toMatchObject({ priority: 'P2', assigneeId: 'li' });
    await addReply(core.deps, ticket.id, supervisor, { body: '我来处理' });
    await later(22 * HOUR);
    const escalated = await core.deps.tickets.findTicket(ticket.id);
    expect(escalated).toMatchObject({ priority: 'P1', assigneeId: 'li' });
    // The deadlines stay those of the original target.
    expect(escalated?.sla.resolutionDueAt?.toISOString()).toBe(at('2026-11-24T02:00:00Z'));
    const breaches = (await core.deps.tickets.listEvents(ticket.id)).filter((e) => e.action === 'sla_breach');
    expect(breaches.map((e) => [e.note, e.before, e.after])).toEqual([
      ['fr_breach', { assigneeId: 'lin' }, { assigneeId: 'li' }],
      ['res_breach', { priority: 'P2' }, { priority: 'P1' }],
    ]);
  });

  test('business hours: a ticket opened on Friday evening is not chased over the weekend', async () => {
    await start(
      configWith((raw) => {
        raw.calendars = {
          office: {
            timezone: 'Asia/Shanghai',
            days: ['mon', 'tue', 'wed', 'thu', 'fri'],
            hours: [
              { from: '09:00', to: '12:00' },
              { from: '13:30', to: '18:00' },
            ],
          },
        };
        for (const team of raw.teams as { calendar?: string }[]) team.calendar = 'office';
      }),
    );
    core.clock.advance(new Date('2026-11-27T17:50:00+08:00').getTime() - core.clock.now().getTime());
    const { ticket } = await openTicket();
    const p1 = await act.setPriority(core.deps, ticket.id, supervisor, 'P1');
    // 10 minutes on Friday, 20 on Monday morning.
    expect(p1.sla.firstResponseDueAt?.toISOString()).toBe(at('2026-11-30T09:20:00+08:00'));
    await later(new Date('2026-11-30T09:12:00+08:00').getTime() - core.clock.now().getTime());
    expect(await kinds(ticket.id)).toEqual(['assigned']);
    await later(30_000);
    expect(await kinds(ticket.id)).toEqual(['assigned', 'fr_warning']);
  });

  test('a burst to one destination is held to the rate limit and delivered later, not dropped', async () => {
    await start(
      configWith((raw) => {
        open247(raw);
        raw.notifications = { limit: 3, windowSeconds: 60 };
      }),
    );
    for (let i = 1; i <= 5; i++) await openTicket(i);
    await later(2 * HOUR);
    await core.automation.dispatcher.runOnce();
    const toLi = () => core.gateway.sent.filter((n) => n.recipient?.id === 'li');
    expect(toLi()).toHaveLength(3);
    expect((await core.automation.notifications.list({ unsent: true })).filter((n) => n.destination === 'agent:li')).toHaveLength(2);
    core.clock.advance(61_000);
    await core.automation.dispatcher.runOnce();
    expect(toLi()).toHaveLength(5);
    expect(new Set(toLi().map((n) => n.ticket?.number)).size).toBe(5);
  });

  test('a failing chat platform: delivery is retried with backoff and succeeds once it is back, posted once', async () => {
    await start();
    const { ticket } = await openTicket();
    await later(90 * MIN);
    core.gateway.failing = true;
    expect(await core.automation.dispatcher.runOnce()).toMatchObject({ sent: 0, failed: 2 });
    expect(await core.automation.dispatcher.runOnce()).toMatchObject({ sent: 0, failed: 0 }); // backing off
    core.gateway.failing = false;
    core.clock.advance(5_000);
    expect(await core.automation.dispatcher.runOnce()).toMatchObject({ sent: 2, failed: 0 });
    const queued = await core.automation.notifications.list({ ticketId: ticket.id });
    expect(queued.every((n) => n.sentAt !== null && n.attempts === 2)).toBe(true);
    // The web channel wrote each notification once although it was handed over twice.
    const notes = (await core.deps.tickets.listMessages(ticket.id, { includeInternal: true })).filter((m) => m.authorName === 'ticketbot');
    expect(notes).toHaveLength(2);
  });

  test('several workers waking the same ticket at once fire each stage once', async () => {
    await start();
    const tickets = await Promise.all([1, 2, 3].map(async (n) => (await openTicket(n)).ticket));
    core.clock.advance(2 * HOUR);
    const workers = [0, 1, 2, 3].map(() => new SlaTimers(core.deps, new InProcessScheduler()));
    await Promise.all(workers.flatMap((w) => tickets.map((t) => w.wake(SlaTimers.key(t.id)))));
    for (const t of tickets) {
      // The warning is recorded but not sent: at 2 h the breach notice supersedes it.
      expect((await kinds(t.id)).sort()).toEqual(['assigned', 'fr_breach']);
      expect((await core.deps.tickets.listEvents(t.id)).filter((e) => e.action.startsWith('sla_'))).toHaveLength(2);
    }
  });

  test('a restarted process fires what it missed, and what fell due meanwhile, before its scheduler loads; then arms every ticket', async () => {
    await start();
    const { ticket: missed } = await openTicket(1);
    core.clock.advance(100 * MIN); // its warning was due at 90 min
    const { ticket: soon } = await openTicket(2); // warning due in 90 min
    // The first stage fired takes 95 minutes of the test clock: the second ticket's warning falls due
    // while the catch-up runs.
    const record = core.deps.onChange;
    let advanced = false;
    core.deps.onChange = async (change) => {
      if (change.action === 'sla_warning' && !advanced) {
        advanced = true;
        core.clock.advance(95 * MIN);
      }
      await record?.(change);
    };
    const inner = new InProcessScheduler();
    let scheduledBeforeStart = 0;
    let startedInner = false;
    const spy: Scheduler = {
      kind: 'in-process',
      schedule: (key, at) => {
        if (!startedInner) scheduledBeforeStart++;
        return inner.schedule(key, at);
      },
      cancel: (key) => inner.cancel(key),
      // Not started for real: the test clock is in the past, so armed wake-ups would run at once.
      start: async () => {
        startedInner = true;
      },
      stop: () => inner.stop(),
      pending: () => inner.pending(),
    };
    let firedWhenBuilt: string[][] = [];
    const scheduler = new DeferredScheduler('in-process', async () => {
      firedWhenBuilt = [await kinds(missed.id), await kinds(soon.id)];
      return spy;
    });
    const restarted = new SlaTimers(core.deps, scheduler, { sweepEveryMs: 0 });
    const { fired, armed } = await restarted.start();
    // (The first ticket's breach, at 120 min, fell due in the same 95 minutes.)
    expect(firedWhenBuilt[0]).toEqual(['assigned', 'fr_warning', 'fr_breach']);
    expect(firedWhenBuilt[1]).toEqual(['assigned', 'fr_warning']);
    expect(scheduledBeforeStart).toBe(0);
    expect(fired).toBe(3);
    expect(armed).toBe(2);
    expect(await inner.pending()).toBe(2);
    await restarted.stop();
  });

  test('a starting bot fires what it missed before its directory sync, and delivers only after that sync', async () => {
    await start();
    const { ticket } = await openTicket(1);
    core.clock.advance(100 * MIN); // its warning was due at 90 min
    let atPrepare: { fired: string[]; sent: number } | undefined;
    await core.automation.start(async () => {
      atPrepare = { fired: await kinds(ticket.id), sent: core.gateway.sent.length };
    });
    expect(atPrepare).toEqual({ fired: ['assigned', 'fr_warning'], sent: 0 });
    // The started dispatcher delivers it on its own.
    await vi.waitFor(() => expect(core.gateway.sent.map((n) => n.kind)).toContain('fr_warning'));
  });

  test('reconcile after a restart fires what was missed and re-arms every open ticket', async () => {
    await start();
    const { ticket: due } = await openTicket(1);
    core.clock.advance(100 * MIN);
    const { ticket: later_ } = await openTicket(2);
    const scheduler = new InProcessScheduler();
    const restarted = new SlaTimers(core.deps, scheduler);
    expect(await restarted.reconcile()).toEqual({ fired: 1, armed: 2 });
    expect(await kinds(due.id)).toEqual(['assigned', 'fr_warning']);
    expect(await kinds(later_.id)).toEqual(['assigned']);
    expect(await scheduler.pending()).toBe(2);
    await scheduler.stop();
  });
});

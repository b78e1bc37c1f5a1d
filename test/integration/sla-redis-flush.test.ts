import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { BullmqScheduler } from '../../core/jobs/bullmq-scheduler.js';
import { SlaTimers } from '../../core/sla/sla-timers.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { type AutomatedCore, configWith, makeAutomatedCore } from '../helpers/automation.js';
import { freshSqlite } from '../helpers/databases.js';

const REDIS_URL = process.env.REDIS_URL_TEST;

/** Every priority: first response due 3 s after intake, so the warning (50%) falls due after 1.5 s. */
const quick = configWith((raw) => {
  const target = { firstResponse: '3s', resolution: null };
  raw.sla = { warnAt: 0.5, targets: { P1: target, P2: target, P3: target, P4: target } };
  raw.routing = { autoAssign: false };
  for (const team of raw.teams as { calendar?: string }[]) delete team.calendar;
});

describe.skipIf(!REDIS_URL)('Redis flushed while tickets are open', () => {
  let core: AutomatedCore;
  let timers: SlaTimers | undefined;
  const prefix = `ticketbot-test-${randomBytes(4).toString('hex')}`;
  afterEach(async () => {
    await timers?.stop().catch(() => {});
    const cleanup = new BullmqScheduler({ redisUrl: REDIS_URL ?? '', prefix });
    await cleanup.obliterate();
    await cleanup.stop();
    await core?.close();
  });

  test('reconcile recreates every timer from the database, and each reminder then fires once', { timeout: 30_000 }, async () => {
    core = await makeAutomatedCore(freshSqlite(), quick);
    core.deps.clock = () => new Date();
    const scheduler = new BullmqScheduler({ redisUrl: REDIS_URL ?? '', prefix });
    timers = new SlaTimers(core.deps, scheduler, { sweepEveryMs: 0 });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { ticket } = await intakeMessage(core.deps, {
        platform: 'web',
        platformMessageId: `f-${i}`,
        author: { platformUserId: `c-${i}` },
        text: '快递丢了',
        channel: 'web',
      });
      ids.push(ticket.id);
    }
    expect(await timers.reconcile()).toEqual({ fired: 0, armed: 3 });
    expect(await scheduler.pending()).toBe(3);

    await scheduler.obliterate(); // what FLUSHALL does to our keys
    expect(await scheduler.pending()).toBe(0);

    // A restart (or any process's start) reconciles: the timers are back, and they fire.
    expect(await timers.start()).toEqual({ fired: 0, armed: 3 });
    expect(await scheduler.pending()).toBe(3);
    const fired = async () => (await core.automation.notifications.list({})).filter((n) => n.kind === 'fr_warning' || n.kind === 'fr_breach');
    const until = Date.now() + 15_000;
    while ((await fired()).length < 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const kinds = (await fired()).map((n) => `${n.ticketId}:${n.kind}`).sort();
    expect(kinds).toEqual(ids.flatMap((id) => [`${id}:fr_breach`, `${id}:fr_warning`]).sort());
  });
});

// SLA reminders when Redis fails: flushed while tickets are open (reconcile recreates the timers), or
// unreachable when the bot starts (start() returns, the database sweep fires what falls due, and once
// Redis answers the sweep re-arms every ticket's wake-up).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
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

/** `n` new tickets from `n` customers, each with its first-response clock running. */
async function openTickets(core: AutomatedCore, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const { ticket } = await intakeMessage(core.deps, {
      platform: 'web',
      platformMessageId: `r-${i}`,
      author: { platformUserId: `c-${i}` },
      text: '快递丢了',
      channel: 'web',
    });
    ids.push(ticket.id);
  }
  return ids;
}

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
    const ids = await openTickets(core, 3);
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

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Redis "coming back" on `port`: a TCP relay to the real server. */
async function relay(port: number, target: URL): Promise<{ close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const to = connect(Number(target.port || 6379), target.hostname, () => {
      client.pipe(to).pipe(client);
    });
    sockets.add(client).add(to);
    const end = () => {
      client.destroy();
      to.destroy();
    };
    client.on('error', end).on('close', end);
    to.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('Redis unreachable when the bot starts', () => {
  let core: AutomatedCore | undefined;
  let timers: SlaTimers | undefined;
  let back: { close: () => Promise<void> } | undefined;
  const prefix = `ticketbot-test-${randomBytes(4).toString('hex')}`;
  afterEach(async () => {
    await timers?.stop().catch(() => {});
    await back?.close();
    if (REDIS_URL) {
      const cleanup = new BullmqScheduler({ redisUrl: REDIS_URL, prefix });
      await cleanup.obliterate();
      await cleanup.stop();
    }
    await core?.close();
    core = timers = back = undefined;
  });

  const warnings = async () => ((await core?.automation.notifications.list({})) ?? []).filter((n) => n.kind === 'fr_warning');

  test('start() returns, and the sweep fires what falls due from the database', { timeout: 30_000 }, async () => {
    core = await makeAutomatedCore(freshSqlite(), quick);
    core.deps.clock = () => new Date();
    const errors: string[] = [];
    const scheduler = new BullmqScheduler({ redisUrl: `redis://127.0.0.1:${await freePort()}`, prefix, startWaitMs: 300, logger: pino({ level: 'silent' }) });
    timers = new SlaTimers(core.deps, scheduler, { sweepEveryMs: 0, onError: (_e, context) => errors.push(context) });
    const [id] = await openTickets(core, 1);
    expect(await timers.start()).toEqual({ fired: 0, armed: 0 });
    expect(errors.some((c) => c.includes('could not arm the wake-ups at start'))).toBe(true);
    // The warning falls due 1.5 s after intake; nothing can wake for it, the sweep fires it.
    await new Promise((r) => setTimeout(r, 1_700));
    expect(await timers.sweep(0)).toBe(1);
    expect((await warnings()).map((n) => n.ticketId)).toEqual([id]);
  });

  test.skipIf(!REDIS_URL)('once Redis answers, the next sweep re-arms every ticket and the wake-ups fire', { timeout: 30_000 }, async () => {
    core = await makeAutomatedCore(freshSqlite(), quick);
    core.deps.clock = () => new Date();
    const port = await freePort();
    const scheduler = new BullmqScheduler({ redisUrl: `redis://127.0.0.1:${port}`, prefix, startWaitMs: 300, logger: pino({ level: 'silent' }) });
    timers = new SlaTimers(core.deps, scheduler, { sweepEveryMs: 0, onError: () => {} });
    const ids = await openTickets(core, 3);
    expect(await timers.start()).toEqual({ fired: 0, armed: 0 });

    back = await relay(port, new URL(REDIS_URL ?? ''));
    // ioredis retries with a growing pause (at most 2 s): sweep until the re-arm goes through.
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      await timers.sweep(60_000);
      if ((await scheduler.pending().catch(() => 0)) === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await scheduler.pending()).toBe(3);
    // The wake-ups themselves fire the warnings (no more sweeps).
    const done = Date.now() + 10_000;
    while ((await warnings()).length < 3 && Date.now() < done) await new Promise((r) => setTimeout(r, 100));
    expect((await warnings()).map((n) => n.ticketId).sort()).toEqual(ids.sort());
  });
});

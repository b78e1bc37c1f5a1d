// Shared by the scheduler suites: backends, a recorder of fired wake-ups, and waiting helpers.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { BullmqScheduler } from '../../core/jobs/bullmq-scheduler.js';
import { InProcessScheduler } from '../../core/jobs/in-process-scheduler.js';
import type { Scheduler, SchedulerLogger, SchedulerOptions, WakeHandler } from '../../core/jobs/scheduler.js';

/** BullMQ runs against this Redis (`.ci/run` sets it); without it only the in-process half runs. */
export const REDIS_URL = process.env.REDIS_URL_TEST;

/** One namespace per test: a fresh queue for BullMQ; for in-process, instances never share anything. */
export interface Backend {
  name: Scheduler['kind'];
  skip: boolean;
  make(ns: string, options?: SchedulerOptions): Scheduler;
  cleanup(ns: string): Promise<void>;
}

/** BullMQ schedulers in tests may also set their lock period. */
export type BullmqTestOptions = SchedulerOptions & { lockMs?: number };

export const bullmqIn = (ns: string, options: BullmqTestOptions = {}) =>
  new BullmqScheduler({ ...options, redisUrl: REDIS_URL ?? '', queueName: `wake-${ns}`, prefix: `tbtest-${ns}` });

/** Deletes the test's queue and every key under its prefix. */
export async function obliterateBullmq(ns: string): Promise<void> {
  const admin = bullmqIn(ns);
  await admin.obliterate();
  await admin.stop();
}

export const BACKENDS: Backend[] = [
  { name: 'in-process', skip: false, make: (_ns, options) => new InProcessScheduler(options), cleanup: async () => {} },
  { name: 'bullmq', skip: !REDIS_URL, make: bullmqIn, cleanup: obliterateBullmq },
];

/** Fast retries so the retry case stays well under a second. */
export const FAST: SchedulerOptions = { concurrency: 20, retry: { attempts: 4, backoffMs: 50 }, logger: quietLogger() };

export interface Fired {
  key: string;
  dueAt: number;
  at: number;
}

export function recorder(work: (key: string) => Promise<void> = async () => {}) {
  const fired: Fired[] = [];
  const handler: WakeHandler = async (key, dueAt) => {
    fired.push({ key, dueAt: dueAt.getTime(), at: Date.now() });
    await work(key);
  };
  return { fired, handler, count: (key: string) => fired.filter((f) => f.key === key).length, first: (key: string) => fired.find((f) => f.key === key) };
}

export function quietLogger(): SchedulerLogger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, warn: (_obj, msg) => warnings.push(msg), error: (_obj, msg) => errors.push(msg) };
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Only for "nothing happens" checks, where there is no event to await. */
export const observe = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const inMs = (ms: number) => new Date(Date.now() + ms);

/**
 * Per test: a fresh namespace (`ns()`), and `make` for schedulers in it, all stopped after the test
 * before the namespace is cleaned up.
 */
export function schedulersPerTest<S extends Scheduler, O extends SchedulerOptions>(
  create: (ns: string, options: O) => S,
  cleanup: (ns: string) => Promise<void>,
) {
  let ns = '';
  let live: S[] = [];
  beforeEach(() => {
    ns = randomBytes(6).toString('hex');
  });
  afterEach(async () => {
    await Promise.all(live.map((s) => s.stop()));
    live = [];
    await cleanup(ns);
  });
  return {
    ns: () => ns,
    make: (options: O = FAST as O) => {
      const s = create(ns, options);
      live.push(s);
      return s;
    },
  };
}

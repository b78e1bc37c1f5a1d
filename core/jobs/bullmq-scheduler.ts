import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { RetryPolicy, Scheduler, SchedulerLogger, SchedulerOptions, WakeHandler } from './scheduler.js';
import { resolveOptions, toMillis } from './scheduler.js';

export interface BullmqSchedulerOptions extends SchedulerOptions {
  redisUrl: string;
  /** Default `ticketbot-wake`. Processes sharing a queue share its wake-ups; each is delivered by one of them. */
  queueName?: string | undefined;
  /** Redis key prefix (BullMQ's default `bull`). */
  prefix?: string | undefined;
  /**
   * How long a worker's hold on a running wake-up lasts without renewal, and how often workers look
   * for holds that lapsed (a process killed mid-job): another worker takes such a job over within
   * about twice this. Default 5 s (BullMQ's own is 30 s, which would leave a killed worker's running
   * wake-ups up to a minute late). A job held longer than this by a blocked process may run twice,
   * which is harmless: every wake-up re-reads the ticket.
   */
  lockMs?: number | undefined;
  /** How long start() waits for Redis before it returns anyway (default 5 s; the worker keeps connecting). */
  startWaitMs?: number | undefined;
}

/** Default of {@link BullmqSchedulerOptions.lockMs}. */
export const BULLMQ_LOCK_MS = 5_000;

interface WakeData {
  key: string;
}

/** Returns the stored time if it changed since `ARGV[2]` was read, else deletes the field and returns nil. */
const FORGET_IF_UNCHANGED = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) return false end
return v`;

/**
 * Wake-ups as delayed BullMQ jobs, which survive restarts and are shared by every worker on the queue.
 *
 * The wanted time per key lives in one Redis hash (`<prefix>:<queue>:wake-at`), and the job is only the
 * alarm clock: a job reads the hash when it runs, fires if the time has come, moves itself to the
 * stored time if it is later, and does nothing if the key was cancelled. Last write to the hash wins, so
 * a reschedule can never be lost to a race with a job that is already waiting or running.
 *
 * BullMQ's deduplication (`id` = the key, `replace`, `keepLastIfActive`) keeps one job per key: adding
 * for a key whose job is still delayed swaps it atomically for the new one; adding while it runs queues
 * one follow-up job. Job ids are BullMQ's own counter: custom ids may not contain `:` or be integers
 * (bullmq 6.7 `Job.validateOptions`), and a reused id would be ignored while an old completed job with
 * that id is kept.
 */
export class BullmqScheduler implements Scheduler {
  readonly kind = 'bullmq';
  readonly #redisUrl: string;
  readonly #queueName: string;
  readonly #prefix: string;
  readonly #concurrency: number;
  readonly #logger: SchedulerLogger;
  readonly #retry: RetryPolicy;
  readonly #redis: Redis;
  readonly #queue: Queue<WakeData>;
  readonly #wakeAtKey: string;
  readonly #lockMs: number;
  readonly #startWaitMs: number;
  #worker: Worker<WakeData> | undefined;
  /** The worker reached Redis: closing it may wait for its wake-ups under way (it would wait forever for a connection). */
  #workerReady = false;

  constructor(options: BullmqSchedulerOptions) {
    const resolved = resolveOptions(options);
    this.#concurrency = resolved.concurrency;
    this.#logger = resolved.logger;
    this.#retry = resolved.retry;
    this.#redisUrl = options.redisUrl;
    this.#queueName = options.queueName ?? 'ticketbot-wake';
    this.#prefix = options.prefix ?? 'bull';
    this.#lockMs = options.lockMs ?? BULLMQ_LOCK_MS;
    this.#startWaitMs = options.startWaitMs ?? 5_000;
    this.#wakeAtKey = `${this.#prefix}:${this.#queueName}:wake-at`;
    // Commands on this connection fail at once while Redis is unreachable instead of waiting for
    // ioredis' retries (~40 s), so schedule() reports an outage to its caller quickly (the database
    // sweep then covers). BullMQ only borrows it for the queue (it does not close shared clients).
    this.#redis = new Redis(this.#redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.#redis.on('error', (err) => this.#warnThrottled('scheduler: redis connection error', err));
    this.#queue = new Queue<WakeData>(this.#queueName, {
      connection: this.#redis,
      prefix: this.#prefix,
      defaultJobOptions: {
        attempts: this.#retry.attempts,
        backoff: { type: 'exponential', delay: this.#retry.backoffMs },
        // Finished jobs are only history: keep a bounded tail for inspection.
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
      },
    });
    this.#queue.on('error', (err) => this.#warnThrottled('scheduler: queue error', err));
  }

  readonly #warnedAt = new Map<string, number>();
  readonly #suppressed = new Map<string, number>();
  /** While Redis is away each connection reports every reconnect attempt: one line per kind a minute (with how many were left out). */
  #warnThrottled(msg: string, err: unknown): void {
    const now = performance.now();
    const key = `${msg}\u0000${err instanceof Error ? err.message : String(err)}`;
    const last = this.#warnedAt.get(key);
    if (last !== undefined && now - last < 60_000) {
      this.#suppressed.set(key, (this.#suppressed.get(key) ?? 0) + 1);
      return;
    }
    if (this.#warnedAt.size > 100) this.#warnedAt.clear();
    this.#warnedAt.set(key, now);
    const suppressed = this.#suppressed.get(key) ?? 0;
    this.#suppressed.delete(key);
    this.#logger.warn({ err, ...(suppressed ? { suppressed } : {}) }, msg);
  }

  async schedule(key: string, at: Date): Promise<void> {
    const dueAt = toMillis(at);
    await this.#connected();
    // The hash first: a job that runs in between then already sees the new time.
    await this.#redis.hset(this.#wakeAtKey, key, String(dueAt));
    await this.#queue.add('wake', { key }, { delay: Math.max(0, dueAt - Date.now()), deduplication: { id: key, replace: true, keepLastIfActive: true } });
  }

  /**
   * Waits briefly for the first connection (commands do not queue while offline, so that an outage
   * fails fast); while reconnecting after an outage, fails at once.
   */
  async #connected(): Promise<void> {
    const status = this.#redis.status;
    if (status === 'ready') return;
    if (status !== 'wait' && status !== 'connecting' && status !== 'connect') throw new Error(`scheduler: redis is ${status}`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('scheduler: redis not ready after 2 s')), 2000);
      this.#redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async cancel(key: string): Promise<void> {
    await this.#connected();
    // Job first, hash second: a concurrent schedule() then leaves a job behind rather than a time without one.
    const jobId = await this.#queue.getDeduplicationJobId(key);
    if (jobId) await this.#queue.remove(jobId); // returns 0 when the job is running; it finds no time and stops
    await this.#redis.hdel(this.#wakeAtKey, key);
  }

  async start(handler: WakeHandler): Promise<void> {
    if (this.#worker) throw new Error('scheduler already started');
    this.#worker = new Worker<WakeData>(this.#queueName, (job, token) => this.#process(handler, job, token), {
      connection: { url: this.#redisUrl, maxRetriesPerRequest: null },
      prefix: this.#prefix,
      concurrency: this.#concurrency,
      lockDuration: this.#lockMs,
      stalledInterval: this.#lockMs,
    });
    this.#worker.on('error', (err) => this.#warnThrottled('scheduler: worker error', err));
    // Redis unreachable at start must not keep the bot from serving: both connections keep retrying in
    // the background, and the worker takes its wake-ups once Redis answers. Meanwhile schedule() fails
    // fast and the database sweep fires what falls due (SlaTimers).
    const ready = Promise.all([
      this.#worker.waitUntilReady(),
      this.#redis.status === 'ready' ? undefined : new Promise((resolve) => this.#redis.once('ready', resolve)),
    ]).then(() => {
      this.#workerReady = true;
      return true;
    });
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#startWaitMs);
    });
    const waited = await Promise.race([ready.catch(() => false), gaveUp]);
    clearTimeout(timer);
    if (!waited) {
      this.#logger.warn(
        { waitedMs: this.#startWaitMs },
        'scheduler: redis not reachable at start; wake-ups start once it is (the database sweep fires due reminders meanwhile)',
      );
      ready.then(
        () => this.#logger.warn({}, 'scheduler: redis reachable again; wake-ups running'),
        (err: unknown) => this.#logger.warn({ err }, 'scheduler: worker could not connect'),
      );
    }
  }

  async stop(): Promise<void> {
    await this.#worker?.close(!this.#workerReady);
    this.#worker = undefined;
    await this.#queue.close();
    // quit() needs a live connection (no offline queue): while Redis is away, just drop the socket.
    if (this.#redis.status === 'ready') await this.#redis.quit();
    else if (this.#redis.status !== 'end') this.#redis.disconnect();
  }

  async pending(): Promise<number> {
    await this.#connected();
    return this.#redis.hlen(this.#wakeAtKey);
  }

  /** Deletes the queue with every job and wake-up time (tests, decommissioning). Stop workers first. */
  async obliterate(): Promise<void> {
    await this.#connected();
    await this.#queue.obliterate({ force: true });
    // Queue.obliterate() leaves keys it does not track: our hash, deduplication keys, the queue's meta.
    const pattern = `${escapeGlob(`${this.#prefix}:${this.#queueName}`)}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await this.#redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async #process(handler: WakeHandler, job: Job<WakeData>, token: string | undefined): Promise<void> {
    const { key } = job.data;
    const stored = await this.#redis.hget(this.#wakeAtKey, key);
    if (stored === null) return; // cancelled, or a follow-up job for a time already delivered
    if (Number(stored) > Date.now()) return this.#delayUntil(job, token, Number(stored));
    const dueAt = new Date(Number(stored));
    try {
      await handler(key, dueAt);
    } catch (err) {
      const attempt = job.attemptsMade + 1;
      const finalAttempt = attempt >= (job.opts.attempts ?? 1);
      if (finalAttempt) {
        const changed = await this.#forgetIfUnchanged(key, stored);
        if (changed !== null) return this.#delayUntil(job, token, Number(changed));
      }
      const context = { key, dueAt: dueAt.toISOString(), attempt, err };
      if (finalAttempt) this.#logger.error(context, 'wake-up handler failed; giving up');
      else this.#logger.warn(context, 'wake-up handler failed; will retry');
      throw err;
    }
    const changed = await this.#forgetIfUnchanged(key, stored);
    // Rescheduled while the handler ran: this job carries the new time.
    if (changed !== null) return this.#delayUntil(job, token, Number(changed));
  }

  async #forgetIfUnchanged(key: string, stored: string): Promise<string | null> {
    return (await this.#redis.eval(FORGET_IF_UNCHANGED, 1, this.#wakeAtKey, key, stored)) as string | null;
  }

  /** Parks the running job until `at` (BullMQ's documented way: moveToDelayed, then throw DelayedError). */
  async #delayUntil(job: Job<WakeData>, token: string | undefined, at: number): Promise<never> {
    await job.moveToDelayed(Math.max(at, Date.now()), token);
    throw new DelayedError();
  }
}

/** Redis SCAN MATCH pattern syntax: these characters would otherwise match more than the literal name. */
function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&');
}

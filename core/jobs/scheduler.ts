/** Called when the wake-up for `key` is due. `dueAt` is the time it was scheduled for (delivery may be later). */
export type WakeHandler = (key: string, dueAt: Date) => Promise<void>;

/**
 * Wakes the core at stored times. At-least-once: a wake-up may be late or repeated, so handlers re-read
 * the truth and are idempotent. The deadlines themselves live in the database; a scheduler only holds
 * "wake me at T for key K", one time per key.
 */
export interface Scheduler {
  readonly kind: 'in-process' | 'bullmq';
  /**
   * Sets the wake-up for `key` to `at` (in the past: as soon as possible). A later call for the same key
   * replaces the earlier time, also while a wake-up for that key is being delivered. Scheduling the same
   * key and time twice gives one wake-up.
   */
  schedule(key: string, at: Date): Promise<void>;
  /** Forgets the wake-up for `key` (no-op if none). */
  cancel(key: string): Promise<void>;
  /**
   * Starts delivering due wake-ups to `handler`, at most `concurrency` at once and never two for the same
   * key at once. A handler that throws is retried with backoff (a few attempts), then logged.
   */
  start(handler: WakeHandler): Promise<void>;
  /** Stops delivering and releases connections; waits for running handlers. */
  stop(): Promise<void>;
  /** Number of keys with a wake-up not yet delivered, including ones being delivered (diagnostics and tests). */
  pending(): Promise<number>;
}

/** The part of a pino logger a scheduler uses. */
export interface SchedulerLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** How a throwing handler is retried: `attempts` in total, waiting `backoffMs`, then twice as long each time. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export interface SchedulerOptions {
  /** Handlers running at once in this process (default 10). */
  concurrency?: number | undefined;
  logger?: SchedulerLogger | undefined;
  retry?: Partial<RetryPolicy> | undefined;
}

export const DEFAULT_CONCURRENCY = 10;
/** 1 s, 2 s, 4 s, 8 s between the five attempts. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 1000 };

/** Delay before retry number `failures` (1 = after the first failure); the same formula as BullMQ's `exponential`. */
export function backoffDelay(policy: RetryPolicy, failures: number): number {
  return policy.backoffMs * 2 ** (failures - 1);
}

/** Used when no logger is passed: a lost wake-up must never be silent. */
export const consoleSchedulerLogger: SchedulerLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

export function resolveOptions(options: SchedulerOptions): { concurrency: number; logger: SchedulerLogger; retry: RetryPolicy } {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`scheduler concurrency must be a positive integer, got ${concurrency}`);
  const retry = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1)
    throw new RangeError(`scheduler retry.attempts must be a positive integer, got ${retry.attempts}`);
  return { concurrency, logger: options.logger ?? consoleSchedulerLogger, retry };
}

/** Milliseconds since the epoch of a valid date; throws on `new Date(NaN)` so a bad time fails at the caller. */
export function toMillis(at: Date): number {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('scheduler: invalid date');
  return ms;
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

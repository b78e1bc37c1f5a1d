import {
  backoffDelay,
  type RetryPolicy,
  resolveOptions,
  type Scheduler,
  type SchedulerLogger,
  type SchedulerOptions,
  toMillis,
  type WakeHandler,
} from './scheduler.js';

/** setTimeout fires at once for anything above a signed 32-bit delay, so longer waits are chained. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** The wake-up held for one key. Replaced (never mutated) on every change, so identity tells whether it changed. */
interface Entry {
  readonly key: string;
  /** The time asked for; handed to the handler. */
  readonly dueAt: number;
  /** When to deliver: `dueAt`, or later while backing off after a failure. */
  readonly runAt: number;
  /** Failed deliveries so far. */
  readonly failures: number;
}

/**
 * Keeps wake-ups in memory: one map key → entry, a binary min-heap by delivery time (stale nodes are
 * skipped when they surface) and one timer armed for the earliest time. Wake-ups die with the process,
 * which is fine for the embedded setup: the core re-schedules from the database at start.
 */
export class InProcessScheduler implements Scheduler {
  readonly kind = 'in-process';
  readonly #concurrency: number;
  readonly #logger: SchedulerLogger;
  readonly #retry: RetryPolicy;
  readonly #entries = new Map<string, Entry>();
  readonly #heap = new EntryHeap();
  /** Key → the entry being delivered. */
  readonly #running = new Map<string, Entry>();
  /** Keys whose next wake-up came due while the previous one was still being delivered. */
  readonly #deferred = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  #handler: WakeHandler | undefined;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(options: SchedulerOptions = {}) {
    const resolved = resolveOptions(options);
    this.#concurrency = resolved.concurrency;
    this.#logger = resolved.logger;
    this.#retry = resolved.retry;
  }

  async schedule(key: string, at: Date): Promise<void> {
    const dueAt = toMillis(at);
    const current = this.#entries.get(key);
    if (current?.dueAt === dueAt) return;
    this.#put({ key, dueAt, runAt: dueAt, failures: 0 });
    this.#pump();
  }

  async cancel(key: string): Promise<void> {
    this.#entries.delete(key);
    this.#compactIfSparse();
  }

  async start(handler: WakeHandler): Promise<void> {
    if (this.#handler) throw new Error('scheduler already started');
    this.#handler = handler;
    this.#pump();
  }

  async stop(): Promise<void> {
    this.#handler = undefined;
    this.#disarm();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async pending(): Promise<number> {
    return this.#entries.size;
  }

  #put(entry: Entry): void {
    this.#entries.set(entry.key, entry);
    this.#heap.push(entry);
    this.#compactIfSparse();
  }

  /** Delivers everything due (up to the concurrency cap), then arms the timer for the next one. */
  #pump(): void {
    const handler = this.#handler;
    if (!handler) return;
    const now = Date.now();
    while (this.#running.size < this.#concurrency) {
      const top = this.#liveTop();
      if (!top || top.runAt > now) break;
      this.#heap.pop();
      if (this.#running.has(top.key)) this.#deferred.add(top.key);
      else this.#deliver(handler, top);
    }
    this.#arm();
  }

  #deliver(handler: WakeHandler, entry: Entry): void {
    this.#running.set(entry.key, entry);
    const run = this.#run(handler, entry).finally(() => {
      this.#inFlight.delete(run);
      this.#running.delete(entry.key);
      const next = this.#entries.get(entry.key);
      if (this.#deferred.delete(entry.key) && next) this.#heap.push(next);
      this.#pump();
    });
    this.#inFlight.add(run);
  }

  async #run(handler: WakeHandler, entry: Entry): Promise<void> {
    try {
      await handler(entry.key, new Date(entry.dueAt));
      if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
    } catch (err) {
      const failures = entry.failures + 1;
      const context = { key: entry.key, dueAt: new Date(entry.dueAt).toISOString(), attempt: failures, err };
      // Rescheduled or cancelled while running: the newer call wins over retrying this one.
      if (this.#entries.get(entry.key) !== entry) {
        this.#logger.warn(context, 'wake-up handler failed; superseded by a newer schedule or cancel');
      } else if (failures >= this.#retry.attempts) {
        this.#entries.delete(entry.key);
        this.#logger.error(context, 'wake-up handler failed; giving up');
      } else {
        const delay = backoffDelay(this.#retry, failures);
        this.#logger.warn({ ...context, retryInMs: delay }, 'wake-up handler failed; will retry');
        this.#put({ ...entry, runAt: Date.now() + delay, failures });
      }
    }
  }

  /** The earliest heap node that is still the current entry of its key, after dropping stale ones. */
  #liveTop(): Entry | undefined {
    for (let top = this.#heap.peek(); top; top = this.#heap.peek()) {
      if (this.#entries.get(top.key) === top && this.#running.get(top.key) !== top) return top;
      this.#heap.pop();
    }
    return undefined;
  }

  #arm(): void {
    const top = this.#handler && this.#running.size < this.#concurrency ? this.#liveTop() : undefined;
    if (!top) {
      this.#disarm();
      return;
    }
    // An earlier (or equal) timer is kept: when it fires, pump() re-arms for whatever is then first.
    if (this.#timer && this.#timerAt <= top.runAt) return;
    this.#disarm();
    this.#timerAt = top.runAt;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.min(Math.max(top.runAt - Date.now(), 0), MAX_TIMER_DELAY),
    );
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  /** Rebuilds the heap when stale nodes (from reschedules and cancels) outnumber live ones, so memory stays bounded. */
  #compactIfSparse(): void {
    if (this.#heap.size <= 2 * this.#entries.size + 1024) return;
    const live = [...this.#entries.values()].filter((e) => this.#running.get(e.key) !== e);
    this.#heap.rebuild(live);
    this.#deferred.clear();
  }
}

/** A binary min-heap of entries by `runAt`. */
class EntryHeap {
  #nodes: Entry[] = [];

  get size(): number {
    return this.#nodes.length;
  }

  peek(): Entry | undefined {
    return this.#nodes[0];
  }

  push(entry: Entry): void {
    const nodes = this.#nodes;
    nodes.push(entry);
    let i = nodes.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (at(nodes, parent).runAt <= entry.runAt) break;
      nodes[i] = at(nodes, parent);
      i = parent;
    }
    nodes[i] = entry;
  }

  pop(): Entry | undefined {
    const nodes = this.#nodes;
    const top = nodes[0];
    const last = nodes.pop();
    if (top === undefined || last === undefined || nodes.length === 0) return top;
    nodes[0] = last;
    this.#siftDown(0);
    return top;
  }

  rebuild(entries: Entry[]): void {
    this.#nodes = entries;
    for (let i = (entries.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  #siftDown(start: number): void {
    const nodes = this.#nodes;
    const entry = at(nodes, start);
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= nodes.length) break;
      const right = left + 1;
      const child = right < nodes.length && at(nodes, right).runAt < at(nodes, left).runAt ? right : left;
      if (at(nodes, child).runAt >= entry.runAt) break;
      nodes[i] = at(nodes, child);
      i = child;
    }
    nodes[i] = entry;
  }
}

function at(nodes: Entry[], i: number): Entry {
  return nodes[i] as Entry;
}

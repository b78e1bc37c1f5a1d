import type { Scheduler, WakeHandler } from './scheduler.js';

/**
 * A scheduler whose implementation is built on first use. BullMQ and ioredis take ~0.2 s of CPU to load:
 * built lazily, that cost falls after a restarted process has fired the reminders it missed from the
 * database (SlaTimers.start), not before. An error building it is thrown by each call that needed it,
 * and the next call tries again.
 */
export class DeferredScheduler implements Scheduler {
  #built: Promise<Scheduler> | undefined;
  #stopped = false;

  constructor(
    readonly kind: Scheduler['kind'],
    private readonly build: () => Promise<Scheduler>,
  ) {}

  #scheduler(): Promise<Scheduler> {
    // Once stopped, what was built still answers (a handler finishing during stop re-arms its key, as
    // with the scheduler itself); nothing is built any more.
    if (this.#stopped && !this.#built) return Promise.reject(new Error('scheduler stopped'));
    this.#built ??= this.build().catch((err: unknown) => {
      this.#built = undefined;
      throw err;
    });
    return this.#built;
  }

  async schedule(key: string, at: Date): Promise<void> {
    await (await this.#scheduler()).schedule(key, at);
  }

  async cancel(key: string): Promise<void> {
    await (await this.#scheduler()).cancel(key);
  }

  async start(handler: WakeHandler): Promise<void> {
    if (this.#stopped) throw new Error('scheduler stopped');
    await (await this.#scheduler()).start(handler);
  }

  async pending(): Promise<number> {
    return (await this.#scheduler()).pending();
  }

  /** Stops what was built; one never used is not built just to be stopped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const built = await this.#built?.catch(() => undefined);
    await built?.stop();
  }
}

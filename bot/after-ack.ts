import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The work chat platforms let us do after acknowledging a request (Slack allows 3 s for the ack; the
 * work may take longer). Work after an ack runs a few requests at a time, each starting on a fresh
 * turn of the event loop, so a burst of requests is acknowledged at once and worked off behind the
 * acks. Without it, with the SQLite driver (synchronous under its promises) each request's work holds
 * the loop until its first network call, and every ack behind a burst waits for all of that work.
 */
export class AfterAck {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  /** Handles one incoming request; a slot it took in `afterAck()` is freed when it ends. */
  async handle<T>(run: () => Promise<T>): Promise<T> {
    const state: RequestState = { queue: this, slot: undefined, release: undefined };
    try {
      return await current.run(state, run);
    } finally {
      state.release?.();
    }
  }

  /** @internal Waits for a free slot. */
  async slot(): Promise<() => void> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; otherwise it is free again.
      if (next) next();
      else this.running--;
    };
  }
}

interface RequestState {
  queue: AfterAck;
  /** The slot being waited for: two calls in one request share it. */
  slot: Promise<() => void> | undefined;
  release: (() => void) | undefined;
}

const current = new AsyncLocalStorage<RequestState>();

/**
 * Call right after acknowledging: lets the ack leave, then waits for this request's turn to work.
 * Outside `AfterAck.handle` it only yields one turn of the event loop.
 */
export async function afterAck(): Promise<void> {
  const state = current.getStore();
  if (state) {
    state.slot ??= state.queue.slot();
    state.release = await state.slot;
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
}

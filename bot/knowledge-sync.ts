import type { Logger } from './logger.js';

export interface SyncResult {
  /** Whether the knowledge-base index changed. */
  kb: boolean;
  /** Triage corrections applied. */
  corrections: number;
}

export interface KnowledgeSync {
  /** One catch-up now: the knowledge base and the corrections independently; throws the first failure after both ran. */
  run(): Promise<SyncResult>;
  /** Stops the timer and waits for a catch-up in progress. */
  stop(): Promise<void>;
}

/**
 * Keeps a running process up to date with knowledge other processes changed: every `everyMs` (0 =
 * only when `run` is called) after the previous catch-up ended, so catch-ups never overlap and a slow
 * one delays the next instead of piling up. A failure is logged and retried at the next tick.
 */
export function startKnowledgeSync(opts: {
  kb: { refresh(): Promise<boolean> };
  corrections: { catchUp(): Promise<number> };
  everyMs: number;
  logger: Logger;
}): KnowledgeSync {
  const { logger } = opts;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<unknown> | null = null;
  let stopped = false;
  const run = async (): Promise<SyncResult> => {
    const [kb, corrections] = await Promise.allSettled([opts.kb.refresh(), opts.corrections.catchUp()]);
    if (kb.status === 'rejected') throw kb.reason;
    if (corrections.status === 'rejected') throw corrections.reason;
    return { kb: kb.value, corrections: corrections.value };
  };
  const tick = () => {
    timer = null;
    inFlight = run()
      .then(
        (r) => (r.kb || r.corrections) && logger.info(r, 'caught up with knowledge changed by another process'),
        (err) => logger.warn({ err }, 'could not catch up with knowledge changed elsewhere; will retry'),
      )
      .finally(() => {
        inFlight = null;
        schedule();
      });
  };
  const schedule = () => {
    if (!stopped && opts.everyMs > 0) timer = setTimeout(tick, opts.everyMs).unref();
  };
  schedule();
  return {
    run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}

import { DeferredScheduler } from './deferred-scheduler.js';
import { InProcessScheduler } from './in-process-scheduler.js';
import type { Scheduler, SchedulerOptions } from './scheduler.js';

export interface CreateSchedulerOptions extends SchedulerOptions {
  /** Set: BullMQ on this Redis (shared by every bot process). Unset: in-process timers. */
  redisUrl?: string | undefined;
  /** BullMQ only. */
  queueName?: string | undefined;
  /** BullMQ only. */
  prefix?: string | undefined;
}

/**
 * BullMQ when `redisUrl` is set, else the in-process scheduler. BullMQ and ioredis load (and connect) on
 * the scheduler's first use, not here (see DeferredScheduler).
 */
export function createScheduler(options: CreateSchedulerOptions = {}): Scheduler {
  const { redisUrl, queueName, prefix, ...common } = options;
  if (redisUrl) {
    return new DeferredScheduler('bullmq', async () => {
      const { BullmqScheduler } = await import('./bullmq-scheduler.js');
      return new BullmqScheduler({ ...common, redisUrl, queueName, prefix });
    });
  }
  return new InProcessScheduler(common);
}

import { createScheduler } from '../core/jobs/create-scheduler.js';
import type { Scheduler } from '../core/jobs/scheduler.js';
import { NotificationDispatcher } from '../core/notify/dispatcher.js';
import type { ChatGateway } from '../core/ports.js';
import { AutoAssigner } from '../core/routing/auto-assign.js';
import { returnFromInactive } from '../core/routing/return-to-queue.js';
import { SlaTimers } from '../core/sla/sla-timers.js';
import type { Db } from '../core/store/database.js';
import { PrismaNotificationStore } from '../core/store/notification-store.js';
import type { TicketChanged, TicketDeps } from '../core/tickets/deps.js';
import type { Logger } from './logger.js';
import { FanOutGateway, LogGateway, WebGateway } from './notify/gateways.js';

export interface AutomationOptions {
  deps: TicketDeps;
  db: Db;
  logger: Logger;
  redisUrl?: string | undefined;
  redisPrefix?: string | undefined;
  /** Extra gateways (chat adapters) besides the web channel and the log. */
  gateways?: ChatGateway[] | undefined;
  sweepEveryMs?: number | undefined;
  notifyPollMs?: number | undefined;
  /** How often the routing sweep looks (default 60 s; 0: never); see ROUTING_SWEEP_MS. */
  routingSweepMs?: number | undefined;
}

/**
 * Auto-assignment runs as an observer of each change, and a failure there (the database gone for a
 * moment) is logged and never undoes the change: the ticket waits in its queue. The routing sweep
 * looks every minute: after such a failure in this process it drains every queue, so the ticket is
 * routed within a minute (if someone can take it) instead of at the next change in its team, which
 * may be hours away at night. Every tenth look drains them anyway, for failures in processes that do
 * not sweep (a one-shot CLI command). Otherwise a look reads nothing: a queue nobody on duty can take
 * is not read every minute.
 */
const ROUTING_SWEEP_MS = 60_000;
const LOOKS_PER_FULL_SWEEP = 10;

/** What keeps tickets moving without anyone asking: SLA timers, auto-assignment, the notification outbox. */
export interface Automation {
  scheduler: Scheduler;
  sla: SlaTimers;
  assigner: AutoAssigner;
  dispatcher: NotificationDispatcher;
  notifications: PrismaNotificationStore;
  /** TicketDeps.onChange part: re-arms the SLA timer, drains routing queues, kicks the outbox. Never throws. */
  onChange(change: TicketChanged): Promise<void>;
  onDutyChange(agentId: string, onDuty: boolean): Promise<void>;
  /**
   * Starts the workers. The SLA stages missed while no process ran fire first (they need only the
   * tickets); then `prepare` runs (the directory sync, which routing and delivery read), then delivery,
   * the SLA scheduler (re-arming every ticket) and the team queues start.
   */
  start(prepare?: () => Promise<unknown>): Promise<void>;
  stop(): Promise<void>;
}

export async function createAutomation(opts: AutomationOptions): Promise<Automation> {
  const { deps, logger } = opts;
  const scheduler = createScheduler({ redisUrl: opts.redisUrl, prefix: opts.redisPrefix, logger });
  const onError = (context: string) => (err: unknown) => logger.error({ err }, context);
  const sla = new SlaTimers(deps, scheduler, { sweepEveryMs: opts.sweepEveryMs, onError: (err, context) => logger.error({ err }, context) });
  /** Auto-assignment failed since the routing sweep last looked (in this process). */
  let routingFailed = false;
  const routingError = (context: string) => (err: unknown) => {
    routingFailed = true;
    onError(context)(err);
  };
  const assigner = new AutoAssigner(deps, (err, team) => {
    routingFailed = true;
    logger.error({ err, team }, 'auto-assignment failed');
  });
  const notifications = new PrismaNotificationStore(opts.db);
  const dispatcher = new NotificationDispatcher({
    store: notifications,
    tickets: deps.tickets,
    directory: deps.directory,
    config: deps.config,
    clock: deps.clock,
    gateway: new FanOutGateway([new WebGateway(deps.tickets), ...(opts.gateways ?? []), new LogGateway(logger)]),
    onError: (err, n) => logger.warn({ err, notification: n.id, kind: n.kind }, 'notification delivery failed; will retry'),
    onLeaseError: (err) => logger.warn({ err }, 'could not renew the claim on a notification batch; what lapses is left to the next claim'),
  });
  let started = false;
  let routingTimer: NodeJS.Timeout | undefined;
  let looks = 0;
  let stopped = false;
  let routingSweep: Promise<unknown> | undefined;
  /** While start() fires what was missed, before `prepare` (the directory sync): no routing yet. */
  let catchingUp = false;
  return {
    scheduler,
    sla,
    assigner,
    dispatcher,
    notifications,
    async onChange(change) {
      // A failure here never undoes the change: the sweep and the next start reconcile from the database.
      await sla.onChange(change).catch(onError('could not arm the SLA timer'));
      // Routing reads the directory, which start() syncs only after the catch-up; drainAll() then
      // routes whatever the catch-up left queued.
      if (!catchingUp) await assigner.onChange(change).catch(routingError('auto-assignment failed'));
      dispatcher.kick();
    },
    async onDutyChange(agentId, onDuty) {
      if (onDuty) await assigner.onDuty(agentId).catch(routingError('auto-assignment failed'));
    },
    async start(prepare) {
      if (started) return;
      started = true;
      // Reminders missed while the bot was down are the most time-critical work at start. Firing reads
      // tickets and the config; routing and delivery read the directory too, so they wait for `prepare`.
      // (A breach that escalates to a supervisor added to the config while the bot was down fails
      // during the catch-up, as that agent is not in the database yet; reconcile fires it after the sync.)
      catchingUp = true;
      try {
        await sla.catchUp();
        await prepare?.();
      } finally {
        catchingUp = false;
      }
      // Delivery before the scheduler: it needs only the database, and must run even if Redis is away.
      dispatcher.start(opts.notifyPollMs);
      const { fired, armed } = await sla.start();
      // Agents removed from the config leave their working tickets to their teams.
      const returned = await returnFromInactive(deps).catch((err: unknown) => {
        logger.error({ err }, 'could not return the tickets of removed agents to their queues');
        return 0;
      });
      const assigned = await assigner.drainAll();
      const every = opts.routingSweepMs ?? ROUTING_SWEEP_MS;
      if (every > 0 && !stopped) {
        routingTimer = setInterval(() => {
          if (routingSweep) return;
          looks = (looks + 1) % LOOKS_PER_FULL_SWEEP;
          if (!routingFailed && looks !== 0) return;
          routingFailed = false;
          routingSweep = assigner
            .drainAll()
            .then((n) => n > 0 && logger.info({ assigned: n }, 'routing sweep assigned tickets left waiting'))
            .catch(routingError('routing sweep failed'))
            .finally(() => {
              routingSweep = undefined;
            });
        }, every);
        routingTimer.unref();
      }
      logger.info({ scheduler: scheduler.kind, slaFired: fired, slaArmed: armed, returned, assigned }, 'automation started');
    },
    async stop() {
      stopped = true;
      clearInterval(routingTimer);
      await routingSweep;
      await dispatcher.stop();
      // Stops the sweep (catchUp may have started it) and the scheduler, started or not.
      await sla.stop();
    },
  };
}

// Slack deliveries are recorded in the inbox (core InboxStore) before they are worked on. The receiver
// acknowledges a request before the work, so Slack will not send it again: if this process dies
// mid-work, the record's lease runs out and a live process (or the next start) processes it again.
// The record is also how a redelivered event (Slack retries when our ack did not reach it) is
// recognised across processes and skipped. Work is idempotent where it creates things (tickets and
// messages by Slack message id, `/ticket new` by trigger id), so processing twice is safe.
import { createHash } from 'node:crypto';
import type { AnyMiddlewareArgs, App, Middleware, ReceiverEvent } from '@slack/bolt';
// Bolt's own routing rule (no exports map; the version is pinned): a payload it gives no type is never handled.
import { getTypeAndConversation } from '@slack/bolt/dist/helpers.js';
import type { InboxStore } from '../../core/ports.js';
import type { Logger } from '../logger.js';
import type { ParkedSpool } from './parked-spool.js';
import type { Body } from './receiver-http.js';

/** How long a process holds a delivery it took; past it, another process may take it over. */
export const INBOX_LEASE_MS = 10 * 60_000;
/** A delivery that failed this many times is given up (logged), so that one bad payload cannot loop forever. */
const MAX_ATTEMPTS = 5;
const SWEEP_MS = 60_000;
/**
 * A delivery whose work failed (the database in a failover, say) is retried by the first sweep after
 * this, then after 4 times as long each time, at most 30 min: 30 s, 2, 8 and 30 min, so the fifth and
 * last attempt (MAX_ATTEMPTS) comes about 40 min after the first.
 */
const RETRY_AFTER_MS = 30_000;
const retryDelay = (attempts: number) => Math.min(RETRY_AFTER_MS * 4 ** Math.max(0, attempts - 1), 30 * 60_000);
/**
 * Deliveries that could neither be recorded nor worked on (the database was down for both), kept in
 * memory (and in the spool, when there is one) until a sweep can record them; past this many, the oldest
 * are dropped from memory (and logged). The spool keeps them until the next sweep records the rest.
 */
const MAX_PARKED = 10_000;
const KEEP_FINISHED_MS = 7 * 24 * 60 * 60_000;
/**
 * Slack gives up on an ack after 3 s (a slash command then shows the user an error). A record that takes
 * longer than this (a database under a lock or a failover) is acknowledged anyway: the delivery is still
 * worked on once its record is in, and is only unprotected against a crash for that long.
 */
export const RECORD_ACK_BOUND_MS = 2_000;
let slowRecordLoggedAt = Number.NEGATIVE_INFINITY;

/**
 * The receivers' bound on a slow record: calls `ack` RECORD_ACK_BOUND_MS from now unless the returned
 * timer is cleared first (once the delivery is recorded). Logged at most once a second.
 */
export function ackIfRecordIsSlow(log: Logger, ack: () => void, details: () => Record<string, unknown> = () => ({})): NodeJS.Timeout {
  return setTimeout(() => {
    if (performance.now() - slowRecordLoggedAt > 1_000) {
      slowRecordLoggedAt = performance.now();
      log.warn({ ...details(), ms: RECORD_ACK_BOUND_MS }, 'Slack inbox write is slow: acknowledging before it is recorded');
    }
    ack();
  }, RECORD_ACK_BOUND_MS);
}
/** Interaction types whose ack carries the listener's answer: these are acknowledged by the listener, not early. */
export const ANSWERED_BY_LISTENER = new Set(['view_submission', 'block_suggestion']);
/** Context key naming the inbox record of the delivery being processed, and which attempt this is. */
const RECORDED = 'inboxDeliveryId';
const ATTEMPT = 'inboxAttempt';
/** Context flag: the receiver tried to record the delivery and could not (the middleware does not try again). */
export const UNRECORDED = 'inboxUnrecorded';

/** One key per delivery: the Events API's event_id, a command's or an interaction's trigger_id, else the body's hash. */
export function deliveryKey(body: Body): string {
  if (typeof body['event_id'] === 'string') return `event:${body['event_id']}`;
  if (typeof body['trigger_id'] === 'string') return `trigger:${body['trigger_id']}`;
  return `body:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}

export class SlackInbox {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  /** Deliveries recorded by a receiver that the middleware has seen (how many times, in flight), until the receiver settles them. */
  private readonly seen = new Map<number, number>();
  /** Deliveries neither recorded nor worked on: recorded by the next sweep that can (MAX_PARKED). */
  private readonly parked: Body[] = [];

  constructor(
    private readonly store: InboxStore,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
    /** Where the parked deliveries are also written, so that a stop or crash does not lose them. */
    private readonly spool?: ParkedSpool | undefined,
  ) {}

  /**
   * Records a group of deliveries (the HTTP receiver calls this before it acknowledges them): per body,
   * the context to process it with, or null for one recorded before (a redelivery: skipped).
   */
  async recordBurst(bodies: Body[]): Promise<(Record<string, unknown> | null)[]> {
    const entries = bodies.map((body) => ({ deliveryKey: deliveryKey(body), payload: JSON.stringify(body) }));
    const ids = await this.store.record('slack', entries, this.clock(), INBOX_LEASE_MS);
    return ids.map((id, i) => {
      if (id !== null) return { [RECORDED]: id };
      this.logger.info({ key: entries[i]?.deliveryKey }, 'Slack redelivery of a delivery already taken: skipped');
      return null;
    });
  }

  /**
   * Global Bolt middleware: marks a recorded delivery finished after its work. A failure leaves it
   * unfinished, to be processed again once its lease runs out. What arrives unrecorded (a receiver could
   * not write the inbox) is recorded here first, and skipped if it was recorded before.
   */
  middleware(): Middleware<AnyMiddlewareArgs> {
    return async (args) => {
      const { body, context, next } = args;
      if (context[UNRECORDED]) return this.parkIfFails(body as Body, next);
      let id = context[RECORDED] as number | undefined;
      if (id !== undefined) this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
      else {
        let recorded: Record<string, unknown> | null;
        try {
          [recorded = null] = await this.recordBurst([body as Body]);
        } catch (err) {
          // Worked on anyway; if the work fails too (the database is down), it is kept for the next sweep.
          this.logger.warn({ err }, 'could not record a Slack delivery in the inbox; working on it unrecorded');
          return this.parkIfFails(body as Body, next);
        }
        if (!recorded) {
          // Recorded before (a redelivery, e.g. replayed): acknowledge only.
          if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
          return;
        }
        id = recorded[RECORDED] as number;
      }
      try {
        await next();
      } catch (err) {
        // Retried sooner than when the lease runs out: the work is idempotent where it creates things.
        const attempt = typeof context[ATTEMPT] === 'number' ? context[ATTEMPT] : 1;
        const until = new Date(this.clock().getTime() + retryDelay(attempt));
        await this.store
          .release(id, attempt, until)
          .catch((releaseErr: unknown) => this.logger.warn({ err: releaseErr }, 'could not release a failed Slack delivery'));
        throw err;
      }
      await this.store.finish(id, this.clock());
    };
  }

  /** Works on a delivery that is not recorded; if the work fails too, keeps it for the next sweep to record. */
  private async parkIfFails(body: Body, next: () => Promise<void>): Promise<void> {
    try {
      await next();
    } catch (err) {
      this.parked.push(body);
      try {
        this.spool?.add(body);
      } catch (spoolErr) {
        this.logger.error({ err: spoolErr, key: deliveryKey(body) }, 'Slack delivery could not be written to the spool: kept in memory only');
      }
      if (this.parked.length > MAX_PARKED) {
        const dropped = this.parked.shift();
        this.logger.error({ key: dropped && deliveryKey(dropped) }, 'Slack delivery dropped: too many waiting for the database');
      }
      this.logger.warn({ key: deliveryKey(body), parked: this.parked.length }, 'Slack delivery not recorded and its work failed: kept for the next sweep');
      throw err;
    }
  }

  /**
   * Records the parked deliveries, and those other processes left in the spool, free to be taken at once
   * (one recorded before, a redelivery say, is skipped). They stay parked if it fails.
   */
  private async recordParked(): Promise<void> {
    if (this.spool) {
      try {
        this.parked.unshift(...this.spool.adopt());
      } catch (err) {
        this.logger.error({ err, dir: this.spool.dir }, 'could not read the Slack spool');
      }
    }
    if (!this.parked.length) return;
    const bodies = this.parked.splice(0);
    try {
      const entries = bodies.map((body) => ({ deliveryKey: deliveryKey(body), payload: JSON.stringify(body) }));
      // A lease already over: the sweep takes them at once.
      await this.store.record('slack', entries, this.clock(), -1);
    } catch (err) {
      this.parked.unshift(...bodies);
      throw err;
    }
    try {
      // What was parked while the record ran stays in the spool.
      this.spool?.keepOnly(this.parked);
    } catch (err) {
      this.logger.warn({ err, dir: this.spool?.dir }, 'could not rewrite the Slack spool (its deliveries are recorded; a later sweep skips them)');
    }
  }

  /**
   * Runs a recorded delivery through Bolt (receivers and the sweep call this instead of `processEvent`),
   * then settles it; rethrows what Bolt threw. One the middleware never saw because Bolt cannot route its
   * payload type is finished here with the reason, instead of being replayed five times for nothing. Any
   * other delivery the middleware did not see (Bolt's authorization failed: possibly a passing Slack
   * outage) stays unfinished and is replayed.
   */
  async process(app: App, event: ReceiverEvent): Promise<void> {
    try {
      await app.processEvent(event);
    } finally {
      await this.settle(event.body, event.customProperties).catch((err: unknown) => this.logger.warn({ err }, 'could not settle a Slack delivery'));
    }
  }

  private async settle(body: Body, customProperties: Record<string, unknown> | undefined): Promise<void> {
    const id = customProperties?.[RECORDED];
    if (typeof id !== 'number') return;
    const times = this.seen.get(id);
    if (times !== undefined) {
      if (times > 1) this.seen.set(id, times - 1);
      else this.seen.delete(id);
      return;
    }
    if (getTypeAndConversation(body).type !== undefined) return;
    this.logger.warn({ id }, 'Slack delivery of a payload type the app cannot handle; finished, not replayed');
    await this.store.finish(id, this.clock(), 'not handled by the app: payload type unknown to Bolt');
  }

  /**
   * Processes deliveries whose process died before finishing them, or whose work failed, and those kept
   * in memory because the database was down (recorded first); returns how many were taken.
   */
  async replayUnfinished(bolt: App): Promise<number> {
    await this.recordParked().catch((err: unknown) =>
      this.logger.warn({ err, parked: this.parked.length }, 'could not record the Slack deliveries kept in memory yet'),
    );
    // One instant decides what is free for the whole sweep (what fails during it and is released comes
    // free after it); each lease still runs from when it is taken.
    const cutoff = this.clock();
    let taken = 0;
    for (;;) {
      const batch = await this.store.claimUnfinished('slack', cutoff, 20, INBOX_LEASE_MS + Math.max(0, this.clock().getTime() - cutoff.getTime()));
      taken += batch.length;
      for (const d of batch) {
        if (d.attempts > MAX_ATTEMPTS) {
          this.logger.error({ key: d.deliveryKey, attempts: d.attempts - 1 }, 'Slack delivery given up after repeated failures');
          await this.store.finish(d.id, this.clock(), `given up after ${d.attempts - 1} attempts`);
          continue;
        }
        try {
          this.logger.warn({ key: d.deliveryKey, receivedAt: d.receivedAt }, 'processing a Slack delivery left unfinished');
          // The middleware marks it finished when the work succeeds.
          await this.process(bolt, { body: JSON.parse(d.payload) as Body, ack: async () => {}, customProperties: { [RECORDED]: d.id, [ATTEMPT]: d.attempts } });
        } catch (err) {
          this.logger.warn({ err, key: d.deliveryKey }, 'a Slack delivery failed again; retried later, or given up after the last attempt');
        }
      }
      if (batch.length < 20) return taken;
    }
  }

  /** Works off what was left unfinished now, then every minute; prunes finished records after a week. */
  start(bolt: App): void {
    const sweep = () => {
      if (this.sweeping) return;
      this.sweeping = this.replayUnfinished(bolt)
        .then(async (n) => {
          await this.store.pruneFinished(new Date(this.clock().getTime() - KEEP_FINISHED_MS));
          return n;
        })
        .catch((err: unknown) => {
          this.logger.error({ err }, 'Slack inbox sweep failed');
          return 0;
        })
        .finally(() => {
          this.sweeping = undefined;
        });
    };
    sweep();
    this.timer = setInterval(sweep, SWEEP_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    if (this.parked.length && this.spool) {
      this.logger.warn(
        { keys: this.parked.map(deliveryKey), dir: this.spool.dir },
        'stopping with Slack deliveries not recorded yet: kept in the spool for the next start',
      );
    } else if (this.parked.length) {
      this.logger.error({ keys: this.parked.map(deliveryKey) }, 'stopping with Slack deliveries that could not be recorded: they are lost');
    }
  }
}

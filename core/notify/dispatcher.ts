import type { AppConfig } from '../config.js';
import { type LocalizedText, render } from '../i18n/translate.js';
import type { ChatGateway, DirectoryStore, NotificationStore, QueuedNotification, TicketStore } from '../ports.js';
import { firesOncePerClock, stageKey, stagesOf } from '../sla/clock.js';
import { formatDuration } from '../sla/duration.js';
import type { Ticket } from '../tickets/types.js';

export interface DispatcherDeps {
  store: NotificationStore;
  tickets: TicketStore;
  directory: DirectoryStore;
  config: AppConfig;
  gateway: ChatGateway;
  clock: () => Date;
  onError?: ((error: unknown, notification: QueuedNotification) => void) | undefined;
  /** How long a claim is held before it must be renewed (default LEASE_MS). */
  leaseMs?: number | undefined;
  /** A lease renewal failed (the claim may lapse; what lapsed is not delivered by this process). */
  onLeaseError?: ((error: unknown) => void) | undefined;
}

export interface DispatchResult {
  sent: number;
  deferred: number;
  failed: number;
}

/**
 * A claim held by a process that died is free again after this long. A live process renews the claim on
 * what it has not delivered yet every third of it, so a slow chat platform does not lose the claim (and
 * the notification is not sent twice), while a killed process's batch waits seconds, not minutes.
 */
export const LEASE_MS = 5_000;
/** Claimed at once. */
const BATCH = 20;
const MAX_BACKOFF_MS = 15 * 60_000;

/** A batch's claim while it is being delivered. */
interface Lease {
  /** Whether the claim on it is still this process's. */
  holds(id: number): boolean;
  /** It was delivered, deferred or failed: no longer renewed. */
  settled(id: number): void;
  release(): void;
}

/** Retry delay after `attempts` failures: 5 s, 10 s, 20 s … capped at 15 min. Nothing is ever given up. */
export function backoffMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

/**
 * Delivers the notification outbox through the chat gateway, at least once. Each destination (a ticket
 * thread, an agent) gets at most `notifications.limit` per window, counted in the database so the limit
 * holds across processes; the rest wait their turn rather than being dropped. A failed delivery is
 * retried with backoff.
 */
export class NotificationDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<DispatchResult> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Polls every `pollMs` (and whenever kicked) until stopped. */
  start(pollMs = 1_000): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a dispatch soon; calls during a run coalesce into one more run. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    this.running.catch(() => {});
  }

  /** Delivers what is due now. */
  async runOnce(): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, deferred: 0, failed: 0 };
    const leaseMs = this.deps.leaseMs ?? LEASE_MS;
    for (;;) {
      const now = this.deps.clock();
      const batch = await this.deps.store.claimDue(now, BATCH, leaseMs);
      if (!batch.length) return result;
      const lease = this.holdLease(
        batch.map((n) => n.id),
        now,
        leaseMs,
      );
      try {
        await this.deliverBatch(batch, now, lease, result);
      } finally {
        lease.release();
      }
      if (batch.length < BATCH) return result;
    }
  }

  /** Delivers a claimed batch, within each destination's rate limit, skipping what the lease lost; the lease is told each one settled. */
  private async deliverBatch(batch: QueuedNotification[], now: Date, lease: Lease, result: DispatchResult): Promise<void> {
    const { limit, windowSeconds } = this.deps.config.notifications;
    const windowMs = windowSeconds * 1000;
    // Sent per destination in the window: counted once per batch, then kept up to date here.
    const recent = new Map<string, number>();
    for (const n of batch) {
      // Its claim lapsed: another process may have it now, and will deliver it.
      if (!lease.holds(n.id)) continue;
      try {
        const count = recent.get(n.destination) ?? (await this.deps.store.countSentSince(n.destination, new Date(now.getTime() - windowMs)));
        recent.set(n.destination, count);
        if (count >= limit) {
          await this.deps.store.retryAt(n.id, new Date(now.getTime() + Math.ceil(windowMs / limit)), null);
          result.deferred++;
          continue;
        }
        try {
          await this.deliver(n);
          await this.deps.store.markSent(n.id, this.deps.clock());
          recent.set(n.destination, count + 1);
          result.sent++;
        } catch (error) {
          this.deps.onError?.(error, n);
          await this.deps.store.retryAt(n.id, new Date(now.getTime() + backoffMs(n.attempts + 1)), error instanceof Error ? error.message : String(error));
          result.failed++;
        }
      } finally {
        lease.settled(n.id);
      }
    }
  }

  /**
   * Keeps a batch's claim, taken at `claimedAt`, while it is being delivered: renews it on the ones not
   * yet settled every third of the lease (at once if claiming took that long). What a renewal did not
   * renew has lapsed and may be another process's: it is not delivered here. After a failed renewal
   * (which may have been written all the same), the next one accepts either claim time.
   */
  private holdLease(ids: number[], claimedAt: Date, leaseMs: number): Lease {
    const open = new Set(ids);
    let held = [new Date(claimedAt.getTime() + leaseMs)];
    let renewing = false;
    const renew = () => {
      if (renewing || !open.size) return;
      renewing = true;
      const next = new Date(this.deps.clock().getTime() + leaseMs);
      const asked = [...open];
      this.deps.store
        .renewClaim(asked, held, next)
        .then((renewed) => {
          held = [next];
          const kept = new Set(renewed);
          for (const id of asked) if (!kept.has(id)) open.delete(id);
        })
        .catch((error: unknown) => {
          held = [...held, next].slice(-3);
          this.deps.onLeaseError?.(error);
        })
        .finally(() => {
          renewing = false;
        });
    };
    const timer = setInterval(renew, Math.max(1, Math.floor(leaseMs / 3)));
    timer.unref();
    if (this.deps.clock().getTime() - claimedAt.getTime() >= leaseMs / 3) renew();
    return { holds: (id) => open.has(id), settled: (id) => open.delete(id), release: () => clearInterval(timer) };
  }

  private async deliver(n: QueuedNotification): Promise<void> {
    const ticket = n.ticketId === null ? null : await this.deps.tickets.findTicket(n.ticketId);
    // Held back by a rate limit or an outage, a reminder may have gone stale: do not chase what is done.
    if (ticket && isStale(this.deps.config, n, ticket)) return;
    if (ticket && n.audience === 'assignee' && ticket.assigneeId !== n.recipientId) return;
    const staff = n.audience === 'assignee' || n.audience === 'supervisor';
    const recipient = staff && n.recipientId ? await this.deps.directory.findAgent(n.recipientId) : null;
    const lang = n.audience === 'customer' && ticket ? ticket.language : this.deps.config.locale;
    const shownOn = n.message.params?.shownOn;
    await this.deps.gateway.notify({
      id: n.id,
      kind: n.kind,
      audience: n.audience,
      recipient,
      ticket,
      lang,
      text: render(lang, localized(n.message, lang)),
      shownOn: typeof shownOn === 'string' && shownOn ? shownOn : null,
    });
  }
}

/** Reminders that only make sense while their stage still applies (breach notices stand: it happened). */
const WHILE_DUE: ReadonlySet<string> = new Set(['fr_warning', 'res_warning', 'nr_warning', 'pending_nudge']);

/**
 * Whether an SLA reminder no longer applies by the time it is delivered: the clocks decide, not a copy of
 * their rules. A reminder of a stage that fires once per wait (a customer's wait for a reply, a wait on
 * the customer) belongs to that wait (its key ends with the stage's): a later wait's stage is not it.
 */
export function isStale(config: AppConfig, n: { kind: string; dedupeKey: string }, ticket: Ticket): boolean {
  if (!WHILE_DUE.has(n.kind)) return false;
  return !stagesOf(config, ticket).some((s) => s.kind === n.kind && (firesOncePerClock(s.kind) || n.dedupeKey.endsWith(`:${stageKey(s)}`)));
}

/** Durations are stored as milliseconds next to their English rendering; the reader gets their own units. */
function localized(message: LocalizedText, lang: 'zh' | 'en'): LocalizedText {
  const leftMs = message.params?.leftMs;
  if (typeof leftMs !== 'number') return message;
  return { ...message, params: { ...message.params, left: formatDuration(leftMs, lang) } };
}

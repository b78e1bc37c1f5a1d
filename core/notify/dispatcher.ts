import type { AppConfig } from '../config.js';
import { render } from '../i18n/translate.js';
import type { ChatGateway, DirectoryStore, NotificationStore, QueuedNotification, TicketStore } from '../ports.js';

export interface DispatcherDeps {
  store: NotificationStore;
  tickets: TicketStore;
  directory: DirectoryStore;
  config: AppConfig;
  gateway: ChatGateway;
  clock: () => Date;
  onError?: ((error: unknown, notification: QueuedNotification) => void) | undefined;
}

export interface DispatchResult {
  sent: number;
  deferred: number;
  failed: number;
}

const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;

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
    const { limit, windowSeconds } = this.deps.config.notifications;
    const windowMs = windowSeconds * 1000;
    for (;;) {
      const now = this.deps.clock();
      const batch = await this.deps.store.claimDue(now, 50, LEASE_MS);
      if (!batch.length) return result;
      for (const n of batch) {
        const recent = await this.deps.store.countSentSince(n.destination, new Date(now.getTime() - windowMs));
        if (recent >= limit) {
          await this.deps.store.retryAt(n.id, new Date(now.getTime() + Math.ceil(windowMs / limit)), null);
          result.deferred++;
          continue;
        }
        try {
          await this.deliver(n);
          await this.deps.store.markSent(n.id, this.deps.clock());
          result.sent++;
        } catch (error) {
          this.deps.onError?.(error, n);
          await this.deps.store.retryAt(n.id, new Date(now.getTime() + backoffMs(n.attempts + 1)), error instanceof Error ? error.message : String(error));
          result.failed++;
        }
      }
      if (batch.length < 50) return result;
    }
  }

  private async deliver(n: QueuedNotification): Promise<void> {
    const ticket = n.ticketId === null ? null : await this.deps.tickets.findTicket(n.ticketId);
    const staff = n.audience === 'assignee' || n.audience === 'supervisor';
    const recipient = staff && n.recipientId ? await this.deps.directory.findAgent(n.recipientId) : null;
    const lang = n.audience === 'customer' && ticket ? ticket.language : this.deps.config.locale;
    await this.deps.gateway.notify({ id: n.id, kind: n.kind, audience: n.audience, recipient, ticket, lang, text: render(lang, n.message) });
  }
}

import type { LocalizedText } from '../i18n/translate.js';
import type { NotificationAudience, NotificationStore, QueuedNotification } from '../ports.js';
import type { Db } from './database.js';
import type { Notification } from './generated/sqlite/client.js';

function toQueued(row: Notification): QueuedNotification {
  let message: LocalizedText;
  try {
    message = JSON.parse(row.payload) as LocalizedText;
  } catch {
    message = { key: 'notify.unreadable' };
  }
  return {
    id: row.id,
    dedupeKey: row.dedupeKey,
    ticketId: row.ticketId,
    kind: row.kind,
    audience: row.audience as NotificationAudience,
    recipientId: row.recipientId,
    destination: row.destination,
    message,
    attempts: row.attempts,
    at: row.createdAt,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
  };
}

/** The notification outbox on Prisma. A claim is a conditional update, so exactly one process wins it. */
export class PrismaNotificationStore implements NotificationStore {
  constructor(private readonly db: Db) {}

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<QueuedNotification[]> {
    const free = { sentAt: null, nextAttemptAt: { lte: now }, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] };
    const candidates = await this.db.notification.findMany({ where: free, orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }], take: limit });
    const claimed: QueuedNotification[] = [];
    const until = new Date(now.getTime() + leaseMs);
    for (const row of candidates) {
      const { count } = await this.db.notification.updateMany({ where: { id: row.id, ...free }, data: { claimedUntil: until } });
      if (count === 1) claimed.push(toQueued(row));
    }
    return claimed;
  }

  async renewClaim(ids: number[], heldUntil: Date[], until: Date): Promise<number[]> {
    if (!ids.length) return [];
    const rows = await this.db.notification.updateManyAndReturn({
      where: { id: { in: ids }, sentAt: null, claimedUntil: { in: heldUntil } },
      data: { claimedUntil: until },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  async markSent(id: number, at: Date): Promise<void> {
    await this.db.notification.update({ where: { id }, data: { sentAt: at, claimedUntil: null, attempts: { increment: 1 }, lastError: null } });
  }

  async retryAt(id: number, at: Date, error: string | null): Promise<void> {
    await this.db.notification.update({
      where: { id },
      data: { nextAttemptAt: at, claimedUntil: null, ...(error === null ? {} : { attempts: { increment: 1 }, lastError: error.slice(0, 1000) }) },
    });
  }

  countSentSince(destination: string, since: Date): Promise<number> {
    return this.db.notification.count({ where: { destination, sentAt: { gte: since } } });
  }

  async nextDueAt(): Promise<Date | null> {
    const row = await this.db.notification.findFirst({ where: { sentAt: null }, orderBy: { nextAttemptAt: 'asc' }, select: { nextAttemptAt: true } });
    return row?.nextAttemptAt ?? null;
  }

  async list(filter: { ticketId?: number | undefined; unsent?: boolean | undefined; limit?: number | undefined }): Promise<QueuedNotification[]> {
    const rows = await this.db.notification.findMany({
      where: { ...(filter.ticketId !== undefined ? { ticketId: filter.ticketId } : {}), ...(filter.unsent ? { sentAt: null } : {}) },
      orderBy: { id: 'asc' },
      take: filter.limit ?? 100,
    });
    return rows.map(toQueued);
  }
}

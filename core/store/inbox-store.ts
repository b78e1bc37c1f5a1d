import type { InboundDeliveryRecord, InboxStore } from '../ports.js';
import type { Db } from './database.js';
import { isUniqueViolation } from './ticket-store.js';

/** The inbound delivery inbox on Prisma. A claim is a conditional update, so exactly one process wins it. */
export class PrismaInboxStore implements InboxStore {
  constructor(private readonly db: Db) {}

  async record(platform: string, entries: { deliveryKey: string; payload: string }[], at: Date, leaseMs: number): Promise<(number | null)[]> {
    const claimedUntil = new Date(at.getTime() + leaseMs);
    const keys = entries.map((e) => e.deliveryKey);
    const known = new Set(
      (await this.db.inboundDelivery.findMany({ where: { platform, deliveryKey: { in: keys } }, select: { deliveryKey: true } })).map((r) => r.deliveryKey),
    );
    const fresh = entries.filter((e, i) => !known.has(e.deliveryKey) && keys.indexOf(e.deliveryKey) === i);
    let ids: Map<string, number>;
    try {
      // One write for a burst.
      const rows = await this.db.inboundDelivery.createManyAndReturn({
        data: fresh.map((e) => ({ platform, deliveryKey: e.deliveryKey, payload: e.payload, receivedAt: at, claimedUntil })),
        select: { id: true, deliveryKey: true },
      });
      ids = new Map(rows.map((r) => [r.deliveryKey, r.id]));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another process recorded one of them meanwhile: one at a time, the loser of each race skips it.
      ids = new Map();
      for (const e of fresh) {
        try {
          const row = await this.db.inboundDelivery.create({
            data: { platform, deliveryKey: e.deliveryKey, payload: e.payload, receivedAt: at, claimedUntil },
            select: { id: true },
          });
          ids.set(e.deliveryKey, row.id);
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
      }
    }
    // Only the first occurrence of a key gets its id.
    return entries.map((e, i) => (keys.indexOf(e.deliveryKey) === i ? (ids.get(e.deliveryKey) ?? null) : null));
  }

  async finish(id: number, at: Date, error: string | null = null): Promise<void> {
    await this.db.inboundDelivery.update({ where: { id }, data: { doneAt: at, lastError: error?.slice(0, 1000) ?? null } });
  }

  async claimUnfinished(platform: string, now: Date, limit: number, leaseMs: number): Promise<InboundDeliveryRecord[]> {
    const free = { platform, doneAt: null, claimedUntil: { lt: now } };
    const candidates = await this.db.inboundDelivery.findMany({ where: free, orderBy: { id: 'asc' }, take: limit });
    const claimed: InboundDeliveryRecord[] = [];
    for (const row of candidates) {
      const { count } = await this.db.inboundDelivery.updateMany({
        where: { id: row.id, ...free },
        data: { claimedUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
      });
      if (count === 1) claimed.push({ id: row.id, deliveryKey: row.deliveryKey, payload: row.payload, attempts: row.attempts + 1, receivedAt: row.receivedAt });
    }
    return claimed;
  }

  async pruneFinished(before: Date): Promise<number> {
    const { count } = await this.db.inboundDelivery.deleteMany({ where: { doneAt: { lt: before } } });
    return count;
  }
}

// The inbox's record is written in plain SQL on each database (PostgreSQL's pool, SQLite's connection
// through the query line, and Prisma when that connection cannot be reached): every way must take the
// same deliveries and store what Prisma reads back.
import { describe, expect, test } from 'vitest';
import type { Database } from '../../core/store/database.js';
import { PrismaInboxStore } from '../../core/store/inbox-store.js';
import { PROVIDERS } from '../helpers/databases.js';
import { heldTransaction, started } from '../helpers/held-transaction.js';
import { migratedDatabases } from '../helpers/migrated-databases.js';

const WAYS = PROVIDERS.flatMap((provider) => [
  { name: `${provider.name}, on the driver`, provider, store: (d: Database) => new PrismaInboxStore(d) },
  ...(provider.name === 'sqlite' ? [{ name: 'sqlite, through Prisma', provider, store: (d: Database) => new PrismaInboxStore({ db: d.db }) }] : []),
]);

const entry = (key: string) => ({ deliveryKey: key, payload: JSON.stringify({ trigger_id: key, text: `新工单 ${key}` }) });

describe.each(WAYS)('inbox record: $name', (way) => {
  const openMigrated = migratedDatabases();
  async function open() {
    const database = await openMigrated(await way.provider.fresh());
    return { database, store: way.store(database) };
  }

  test('the first of each new key gets its id; a repeat in the burst and a key recorded before get none', async () => {
    const { database, store } = await open();
    const at = new Date('2026-12-07T10:00:00.123Z');
    const [before] = await store.record('slack', [entry('k2')], at, 60_000);
    const ids = await store.record('slack', [entry('k3'), entry('k1'), entry('k2'), entry('k1')], at, 60_000);
    expect(ids[1]).toEqual(expect.any(Number));
    expect(ids.slice(2)).toEqual([null, null]);
    const rows = await database.db.inboundDelivery.findMany({ orderBy: { deliveryKey: 'asc' } });
    expect(rows.map((r) => [r.deliveryKey, r.id])).toEqual([
      ['k1', ids[1]],
      ['k2', before],
      ['k3', ids[0]],
    ]);
    expect(rows[0]?.payload).toBe(entry('k1').payload);
    expect(rows[0]?.attempts).toBe(1);
    expect(rows[0]?.receivedAt).toEqual(at);
    expect(rows[0]?.claimedUntil).toEqual(new Date(at.getTime() + 60_000));
    expect(rows[0]?.doneAt).toBeNull();
    // Stored exactly as Prisma stores the same instants (SQLite compares them as text).
    await database.db.inboundDelivery.create({
      data: { platform: 'slack', deliveryKey: 'by prisma', payload: '{}', receivedAt: at, claimedUntil: new Date(at.getTime() + 60_000) },
    });
    const stored = await database.db.$queryRawUnsafe<{ key: string; received: string; until: string }[]>(
      `SELECT "deliveryKey" AS key, CAST("receivedAt" AS TEXT) AS received, CAST("claimedUntil" AS TEXT) AS until FROM "InboundDelivery" WHERE "deliveryKey" IN ('k1', 'by prisma') ORDER BY "deliveryKey"`,
    );
    expect(stored.map((r) => r.key)).toEqual(['by prisma', 'k1']);
    expect(stored[1]?.received).toBe(stored[0]?.received);
    expect(stored[1]?.until).toBe(stored[0]?.until);
  });

  test('a recorded delivery is not free until its lease is over; then one claim takes it', async () => {
    const { store } = await open();
    const at = new Date('2026-12-07T10:00:00.000Z');
    const [id] = await store.record('slack', [entry('k')], at, 60_000);
    expect(await store.claimUnfinished('slack', new Date(at.getTime() + 59_999), 10, 60_000)).toEqual([]);
    const later = new Date(at.getTime() + 60_001);
    const [claimed] = await store.claimUnfinished('slack', later, 10, 60_000);
    expect(claimed).toMatchObject({ id, deliveryKey: 'k', attempts: 2, receivedAt: at });
    expect(await store.claimUnfinished('slack', later, 10, 60_000)).toEqual([]);
  });

  test('a record made while a transaction is open is kept when that transaction rolls back', async () => {
    const { database, store } = await open();
    const held = heldTransaction(database, 'rolled back', { fail: true });
    await held.inside;
    const recorded = await started(store.record('slack', [entry('during')], new Date(), 60_000));
    held.release();
    await expect(held.done).rejects.toThrow('rolled back on purpose');
    const [id] = await recorded.result;
    expect(id).toEqual(expect.any(Number));
    expect(await database.db.inboundDelivery.count()).toBe(1);
    expect(await database.db.customer.count()).toBe(0);
  });
});

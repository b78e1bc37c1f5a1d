import { describe, expect, test } from 'vitest';
import type { Database } from '../../../core/store/database.js';
import { sqliteExclusive, withQueryLine } from '../../../core/store/sqlite-query-line.js';
import { freshSqlite } from '../../helpers/databases.js';
import { heldTransaction, started } from '../../helpers/held-transaction.js';
import { migratedDatabases } from '../../helpers/migrated-databases.js';

const names = async (database: Database) => (await database.db.customer.findMany({ orderBy: { id: 'asc' } })).map((c) => c.name);

describe('SQLite: queries outside a transaction wait for the open one (one connection)', () => {
  const openMigrated = migratedDatabases();
  const open = () => openMigrated(freshSqlite());

  test('the database lends its connection for synchronous work, in line with the transactions', async () => {
    const db = await open();
    const run = db.sqlite;
    expect(run).toBeDefined();
    await db.db.customer.create({ data: { name: 'before' } });
    const held = heldTransaction(db, 'rolled back', { fail: true });
    await held.inside;
    // Waits for the transaction, then sees only committed rows.
    const counted = run?.((connection) => connection.prepare('SELECT count(*) AS n FROM "Customer"').get() as { n: bigint });
    held.release();
    await expect(held.done).rejects.toThrow();
    expect(Number((await counted)?.n)).toBe(1);
  });

  test('a write made while another transaction is open is kept when that transaction rolls back', async () => {
    const db = await open();
    const held = heldTransaction(db, 'rolled back', { fail: true });
    await held.inside;
    const outside = await started(db.db.customer.create({ data: { name: 'outside' } }));
    held.release();
    await expect(held.done).rejects.toThrow('rolled back on purpose');
    await outside.result;
    expect(await names(db)).toEqual(['outside']);
  });

  test('a read made while a transaction is open does not see its rows before they are committed', async () => {
    const db = await open();
    const held = heldTransaction(db, 'never committed', { fail: true });
    await held.inside;
    const read = await started(names(db));
    held.release();
    await expect(held.done).rejects.toThrow();
    expect(await read.result).toEqual([]);
  });

  test('a transaction that gave up waiting (maxWait) does not keep the connection', async () => {
    const db = await open();
    const held = heldTransaction(db, 'held', { fail: false });
    await held.inside;
    const gaveUp = db.db.$transaction(async (tx) => tx.customer.create({ data: { name: 'too late' } }), { maxWait: 20 });
    await expect(gaveUp).rejects.toThrow(/unable to start a transaction in the given time/i);
    held.release();
    await held.done;
    // Both only complete if the line was freed by the transaction Prisma discarded.
    await db.db.customer.create({ data: { name: 'after' } });
    await db.db.$transaction(async (tx) => tx.customer.create({ data: { name: 'after, in a transaction' } }));
    expect(await names(db)).toEqual(['held', 'after', 'after, in a transaction']);
  });

  test('a failing query that waited frees the line for the next', async () => {
    const db = await open();
    const held = heldTransaction(db, 'held', { fail: false });
    await held.inside;
    const failing = await started(db.db.$executeRawUnsafe('INSERT INTO "NoSuchTable" VALUES (1)'));
    const next = await started(db.db.customer.create({ data: { name: 'next' } }));
    held.release();
    await expect(failing.result).rejects.toThrow(/no such table/);
    await next.result;
    expect(await names(db)).toEqual(['held', 'next']);
  });
});

/**
 * An adapter that records what runs on it (a query run inside a transaction says so); its transactions
 * stay open until ended. `failedCommit`: ending one leaves the connection inside it, as a COMMIT that
 * failed does (Prisma then calls rollback() and sends no ROLLBACK).
 */
function recordingAdapter(opts: { failedCommit?: boolean } = {}) {
  const ran: string[] = [];
  // The driver's connection: in a transaction from BEGIN until ROLLBACK or COMMIT runs on it.
  const client = {
    inTransaction: false,
    prepare: () => ({}),
    exec(sql: string) {
      ran.push(`exec ${sql}`);
      this.inTransaction = false;
    },
  };
  const adapter = {
    client,
    queryRaw: async (q: { sql: string }) => void ran.push(`${q.sql}${client.inTransaction ? ' (inside a transaction)' : ''}`),
    executeRaw: async (q: { sql: string }) => void ran.push(q.sql),
    executeScript: async (script: string) => void ran.push(script),
    startTransaction: async () => {
      ran.push('BEGIN');
      client.inTransaction = true;
      const end = (what: string) => async () => {
        if (opts.failedCommit) return;
        ran.push(what);
        client.inTransaction = false;
      };
      return { commit: end('COMMIT'), rollback: end('ROLLBACK') };
    },
  };
  const factory = withQueryLine({ connect: async () => adapter });
  return { ran, client, factory, connect: async () => (await factory.connect()) as unknown as typeof adapter };
}

describe('the query line, in the order queries reach the adapter', () => {
  test('a query waiting for a transaction runs before a transaction that asked after it, and each runs once', async () => {
    const { ran, connect } = recordingAdapter();
    const adapter = await connect();
    await adapter.queryRaw({ sql: 'alone' });
    const first = await adapter.startTransaction();
    const waiting = adapter.queryRaw({ sql: 'waited' });
    const second = adapter.startTransaction();
    await Promise.resolve();
    expect(ran).toEqual(['alone', 'BEGIN']);
    await first.commit();
    await waiting;
    const tx = await second;
    expect(ran).toEqual(['alone', 'BEGIN', 'COMMIT', 'waited', 'BEGIN']);
    // Ending twice (Prisma's rollback after a failed commit) frees the line once: the late second end
    // does not free it under the next transaction.
    await tx.commit();
    const third = await adapter.startTransaction();
    await tx.rollback();
    const afterThird = adapter.queryRaw({ sql: 'after third' });
    await Promise.resolve();
    expect(ran).not.toContain('after third');
    await third.rollback();
    await afterThird;
    expect(ran.slice(-2)).toEqual(['ROLLBACK', 'after third']);
  });
});

describe('the query line after a failed COMMIT', () => {
  test('a connection still inside the transaction is rolled back before the next query; exclusive work refuses to join one', async () => {
    const { ran, client, factory, connect } = recordingAdapter({ failedCommit: true });
    const connected = await connect();
    const tx = await connected.startTransaction();
    await tx.rollback();
    await connected.queryRaw({ sql: 'next' });
    expect(ran).toEqual(['BEGIN', 'exec ROLLBACK', 'next']);

    const exclusive = sqliteExclusive(factory);
    expect(exclusive).toBeDefined();
    client.inTransaction = true;
    await expect(exclusive?.(() => 'joined')).rejects.toThrow(/inside a transaction/);
    client.inTransaction = false;
    await expect(exclusive?.(() => 'ran')).resolves.toBe('ran');
  });
});

// PostgreSQL connections that go wrong: a server that accepts and never answers fails each query after
// the connect timeout instead of stalling it for the kernel's ~2 minutes, and an idle connection the
// server drops is reported and replaced.
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { connectTimeoutMs, type Database, openDatabase } from '../../core/store/database.js';
import { migrate } from '../../core/store/migrate.js';
import { isTransient } from '../../core/transient.js';
import { PG_URL } from '../helpers/databases.js';

describe('connect_timeout in DATABASE_URL', () => {
  test('is read in seconds as libpq reads it; absent, queries wait as long as a transaction may (20 s)', () => {
    expect(connectTimeoutMs('postgresql://u@db/app')).toBe(20_000);
    expect(connectTimeoutMs('postgresql://u@db/app?connect_timeout=5')).toBe(5_000);
    expect(connectTimeoutMs('postgresql://u@db/app?sslmode=require&connect_timeout=0')).toBe(0);
    expect(() => connectTimeoutMs('postgresql://u@db/app?connect_timeout=soon')).toThrow(/connect_timeout must be a whole number of seconds.*"soon"/);
    expect(() => connectTimeoutMs('postgresql://u@db/app?connect_timeout=-1')).toThrow(/connect_timeout/);
    // A socket directory as host is not a WHATWG URL, and still counts.
    expect(connectTimeoutMs('postgresql://u@/app?host=/run/postgresql&connect_timeout=7')).toBe(7_000);
  });
});

describe('a PostgreSQL server that accepts connections and never answers', () => {
  let silent: Server | undefined;
  let database: Database | undefined;
  const sockets = new Set<Socket>();
  /** Starts the server that accepts and never answers; its port. */
  async function listenSilently(): Promise<number> {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {});
    });
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    return (silent.address() as { port: number }).port;
  }
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await database?.close().catch(() => {});
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  });

  test('fails each query after the connect timeout, on the shared pool and through Prisma', async () => {
    const port = await listenSilently();
    database = await openDatabase({ provider: 'postgres', url: `postgresql://nobody@127.0.0.1:${port}/app?connect_timeout=1` });
    const pool = database.pg;
    if (!pool) throw new Error('no pool');
    const started = performance.now();
    await expect(pool.query('SELECT 1')).rejects.toThrow(/timeout/i);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(10_000);
    const failure = await database.db.$queryRawUnsafe('SELECT 1').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    // Both are failures worth retrying later (the Slack inbox does).
    expect(isTransient(failure)).toBe(true);
    expect(isTransient(await pool.query('SELECT 1').catch((err: unknown) => err))).toBe(true);
    // The connections were opened (and then given up): the server saw them.
    expect(sockets.size).toBeGreaterThanOrEqual(2);
  });

  test('fails the migration check at start after the connect timeout', async () => {
    const port = await listenSilently();
    const started = performance.now();
    await expect(migrate({ provider: 'postgres', url: `postgresql://nobody@127.0.0.1:${port}/app?connect_timeout=1` })).rejects.toThrow(/timeout/i);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe.skipIf(!PG_URL)('an idle pooled connection the server ends', () => {
  test('is reported through onPoolError, and the next query opens another connection', async () => {
    const errors: Error[] = [];
    const database = await openDatabase({ provider: 'postgres', url: PG_URL ?? '' }, { onPoolError: (err) => errors.push(err) });
    try {
      const pool = database.pg;
      if (!pool) throw new Error('no pool');
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const pid = rows[0]?.pid;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      } finally {
        await admin.end();
      }
      const deadline = Date.now() + 5_000;
      while (!errors.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(errors.length).toBe(1);
      const again = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(again.rows[0]?.pid).not.toBe(pid);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!PG_URL)('closing the database', () => {
  test('returns once every pooled connection has closed on the server', async () => {
    const database = await openDatabase({ provider: 'postgres', url: PG_URL ?? '' });
    const pool = database.pg;
    if (!pool) throw new Error('no pool');
    // Several connections open at once, then idle in the pool.
    const pids = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = await pool.connect();
        try {
          const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)');
          return rows[0]?.pid;
        } finally {
          client.release();
        }
      }),
    );
    // Connected before, so that the check runs the moment close() returns.
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await database.close();
    try {
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Pool } from 'pg';
import type { PrismaClient as SqliteClient } from './generated/sqlite/client.js';
import { type SqliteExclusive, sqliteExclusive, withQueryLine } from './sqlite-query-line.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export type Provider = 'sqlite' | 'postgres';

/**
 * The Prisma client type the repositories are written against. Both generated clients come from the
 * same models (prisma/models.prisma), so their model APIs are identical; we type against the SQLite one.
 */
export type Db = SqliteClient;

export interface Database {
  provider: Provider;
  /** Connection URL (for SQLite, `file:` + absolute path). */
  url: string;
  db: Db;
  /** PostgreSQL: the connection pool Prisma runs on, for the one hot path written in plain SQL (the Slack inbox's record). */
  pg?: Pool | undefined;
  /** SQLite: synchronous work on Prisma's connection, in line with its transactions, for the same hot path. */
  sqlite?: SqliteExclusive | undefined;
  close(): Promise<void>;
}

/**
 * Interactive transactions wait for a connection (SQLite: for the single writer) up to `maxWait`.
 * Prisma's default of 2 s turns a burst of deliveries into errors instead of a queue; a burst must
 * queue, so wait longer. `timeout` bounds a transaction that has started.
 */
const TRANSACTION_OPTIONS = { maxWait: 20_000, timeout: 30_000 };

/**
 * PostgreSQL: how long a query waits for a connection, a new one (connect and log in) or one from the
 * full pool, before it fails. Without a bound, a server that stops answering (a network partition, a
 * dead host whose packets are dropped) stalls each query for the kernel's connect timeout, about two
 * minutes. As long as a transaction may wait for its connection (TRANSACTION_OPTIONS.maxWait).
 * `connect_timeout=<seconds>` in DATABASE_URL overrides it, as with libpq (0: no bound).
 */
const CONNECT_TIMEOUT_MS = TRANSACTION_OPTIONS.maxWait;

export interface OpenDatabaseOptions {
  /** PostgreSQL: an idle pooled connection failed (the pool drops it and opens another when needed). */
  onPoolError?: ((err: Error) => void) | undefined;
}

/** `connect_timeout` (seconds, libpq's parameter) from a PostgreSQL URL, in ms; the default when absent. */
export function connectTimeoutMs(url: string): number {
  // Read from the query string as it is: every form libpq takes is not a WHATWG URL (a socket directory
  // as host, `postgresql://user@/db?host=/run/postgresql`).
  const raw = /[?&]connect_timeout=([^&#]*)/.exec(url)?.[1];
  if (raw === undefined) return CONNECT_TIMEOUT_MS;
  const seconds = decodeURIComponent(raw).trim();
  if (!/^\d+$/.test(seconds)) throw new Error(`DATABASE_URL: connect_timeout must be a whole number of seconds (0 for no bound), not "${seconds}"`);
  return Number(seconds) * 1000;
}

/** Where the data lives: DATABASE_URL when set, else an SQLite file in the data dir. */
export function resolveDatabaseUrl(databaseUrl: string | undefined, dataDir: string): { provider: Provider; url: string } {
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) return { provider: 'postgres', url: databaseUrl };
  const file = databaseUrl?.startsWith('file:') ? databaseUrl.slice('file:'.length) : resolve(dataDir, 'ticketbot.db');
  return { provider: 'sqlite', url: `file:${resolve(file)}` };
}

export function sqlitePath(url: string): string {
  return url.slice('file:'.length);
}

/**
 * Opens Prisma on SQLite or PostgreSQL through a driver adapter (no native query engine). Only the
 * chosen provider's client and driver are loaded (each costs ~0.1 s at start).
 */
export async function openDatabase(target: { provider: Provider; url: string }, opts: OpenDatabaseOptions = {}): Promise<Database> {
  if (target.provider === 'sqlite') {
    const [{ PrismaClient: SqliteClient }, { PrismaBetterSqlite3 }] = await Promise.all([
      import('./generated/sqlite/client.js'),
      import('@prisma/adapter-better-sqlite3'),
    ]);
    const file = sqlitePath(target.url);
    mkdirSync(dirname(file), { recursive: true });
    const adapter = withStatementCache(withQueryLine(new PrismaBetterSqlite3({ url: file, timeout: 10_000 }, { timestampFormat: 'iso8601' })));
    const db = new SqliteClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
    // Timestamps are stored as fixed-width UTC ISO text (the adapter's default, pinned: raw SQL such as
    // TicketStore.assigneeLoads compares them as text and parses them back).
    // WAL lets readers work while a write is in progress; foreign keys are off by default in SQLite.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
    await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
    // Looked up on each call: after its engine restarts, Prisma connects again (a new connection and line).
    const sqlite: SqliteExclusive | undefined = sqliteExclusive(adapter) && ((work) => (sqliteExclusive(adapter) as SqliteExclusive)(work));
    return { provider: 'sqlite', url: target.url, db, sqlite, close: () => db.$disconnect() };
  }
  const [{ PrismaClient: PostgresClient }, { PrismaPg }, { default: pg }] = await Promise.all([
    import('./generated/postgres/client.js'),
    import('@prisma/adapter-pg'),
    import('pg'),
  ]);
  // Our pool, shared with Prisma, and ended here: Prisma ends only what it connected, and the inbox
  // may have used the pool without Prisma ever connecting.
  const pool = new pg.Pool({ connectionString: target.url, max: 10, connectionTimeoutMillis: connectTimeoutMs(target.url) });
  // An idle connection dropped by the server (a restart, a failover) is discarded by the pool; the next
  // query opens another. Without a listener the 'error' event would end the process.
  pool.on('error', (err) => opts.onPoolError?.(err));
  const client = new PostgresClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
  const db = client as unknown as Db;
  // Once, and the pool ended even if Prisma's disconnect fails (pg refuses a second end).
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= client.$disconnect().finally(() => endPool(pool));
    return closing;
  };
  return { provider: 'postgres', url: target.url, db, pg: pool, close };
}

/** How long close() waits for the pool's connections to close once it has ended. */
const POOL_CLOSE_WAIT_MS = 5_000;

/**
 * Ends the pool and waits until its connections have closed. pg's `Pool.end` resolves as soon as no
 * connection is checked out, while their sockets are still closing: a caller who then drops the
 * database or stops the server would cut them under the pool (each reported as a failed idle
 * connection). Bounded, so that a server that does not answer cannot hold the process.
 */
async function endPool(pool: Pool): Promise<void> {
  let open = pool.totalCount;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) return resolve();
    pool.on('remove', () => {
      if (--open <= 0) resolve();
    });
    timer = setTimeout(resolve, POOL_CLOSE_WAIT_MS);
    timer.unref();
  });
  try {
    await pool.end();
    await closed;
  } finally {
    clearTimeout(timer);
  }
}

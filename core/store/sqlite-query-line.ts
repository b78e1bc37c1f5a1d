/**
 * Prisma's better-sqlite3 adapter runs every query on one connection. An interactive transaction
 * takes the adapter's lock against other transactions, but a query outside any transaction takes no
 * lock: it runs on the same connection, between the open transaction's BEGIN and its end, so it
 * becomes part of that transaction. A write made meanwhile was then rolled back with the transaction
 * (a version conflict, a lost race for a thread) after its caller had been told it was written, and a
 * read saw rows that were never committed.
 *
 * This puts the adapter's queries and transactions in one line, first come first served: a query
 * outside a transaction waits until the open transaction and those queued before it have ended, and
 * runs at once when nothing is open or waiting. The adapter runs a query synchronously, so it holds
 * the line only while it runs. Transactions hold it from their start to their commit or rollback.
 */

import type BetterSqlite3 from 'better-sqlite3';

/**
 * Runs synchronous work on the adapter's connection in the line: at once when no transaction is open
 * and nothing waits, else after those before it. For a hot path written against the driver.
 */
export type SqliteExclusive = <T>(work: (connection: BetterSqlite3.Database) => T) => Promise<T>;

interface Query {
  sql: string;
}

/** The part of a Prisma driver adapter (SqlDriverAdapter) this wraps. */
interface SqlAdapter {
  queryRaw(query: Query): Promise<unknown>;
  executeRaw(query: Query): Promise<unknown>;
  executeScript(script: string): Promise<void>;
  startTransaction(isolationLevel?: string): Promise<SqlTransaction>;
}

interface SqlTransaction {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** A lock handed to its waiters in the order they asked. */
class Line {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  get busy(): boolean {
    return this.held;
  }

  /** Resolves once the caller holds the line. */
  take(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the line to the next waiter (it stays held), or frees it. */
  free(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

const EXCLUSIVE = Symbol('sqliteExclusive');

/**
 * Wraps the adapter the factory connects so that its queries wait for its open transaction (above).
 * Apply it before withStatementCache, so that exclusive work gets the driver's own connection.
 */
export function withQueryLine<F extends { connect(): Promise<object> }>(factory: F): F {
  const connect = factory.connect.bind(factory);
  factory.connect = (async () => {
    const adapter = (await connect()) as SqlAdapter & { client?: BetterSqlite3.Database };
    const line = new Line();
    const queued =
      <A, R>(run: (arg: A) => R | Promise<R>) =>
      async (arg: A): Promise<R> => {
        if (!line.busy) return run(arg);
        await line.take();
        try {
          return await run(arg);
        } finally {
          line.free();
        }
      };
    const client = typeof adapter.client?.prepare === 'function' ? adapter.client : undefined;
    if (client) {
      const exclusive: SqliteExclusive = (work) =>
        queued(() => {
          // Nothing holds the line, so no transaction may be open: work done now would join it.
          if (client.inTransaction) throw new Error('SQLite connection left inside a transaction that nobody holds');
          return work(client);
        })(undefined);
      (factory as { [EXCLUSIVE]?: SqliteExclusive })[EXCLUSIVE] = exclusive;
    }
    adapter.queryRaw = queued(adapter.queryRaw.bind(adapter));
    adapter.executeRaw = queued(adapter.executeRaw.bind(adapter));
    adapter.executeScript = queued(adapter.executeScript.bind(adapter));
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      await line.take();
      let tx: SqlTransaction;
      try {
        tx = await start(isolationLevel);
      } catch (error) {
        line.free();
        throw error;
      }
      // Prisma ends a transaction with COMMIT or ROLLBACK on it, then commit() or rollback() (also
      // after a failed COMMIT, a timeout, or a start it gave up waiting for): the line is freed once.
      // After a failed COMMIT (a full disk, an I/O error) Prisma sends no ROLLBACK: the connection may
      // still be inside the transaction, where the next query would run, so it is rolled back here.
      let open = true;
      const end = (finish: () => Promise<void>) => async (): Promise<void> => {
        try {
          await finish();
        } finally {
          if (open) {
            open = false;
            if (client?.inTransaction) rollbackQuietly(client);
            line.free();
          }
        }
      };
      tx.commit = end(tx.commit.bind(tx));
      tx.rollback = end(tx.rollback.bind(tx));
      return tx;
    };
    return adapter;
  }) as F['connect'];
  return factory;
}

/** Exclusive work on the factory's latest connection; undefined before it connects or when the adapter keeps no `client`. */
export function sqliteExclusive(factory: object): SqliteExclusive | undefined {
  return (factory as { [EXCLUSIVE]?: SqliteExclusive })[EXCLUSIVE];
}

function rollbackQuietly(client: BetterSqlite3.Database): void {
  try {
    client.exec('ROLLBACK');
  } catch {
    // SQLite ended it meanwhile: nothing to roll back.
  }
}

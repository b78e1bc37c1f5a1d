import type BetterSqlite3 from 'better-sqlite3';

/**
 * Prisma's better-sqlite3 adapter compiles every query's SQL anew (`prepare(sql).bind(args)`), and a
 * bound statement cannot take other arguments. Compiling was ~1.9 ms of the ~25 ms a Slack-created
 * ticket costs on SQLite (bench:slack, ~18 statements per ticket), all of it on the event loop. This
 * wraps the adapter's connection so that each distinct SQL text is compiled once and reused with each
 * call's arguments, least recently used dropped beyond `max`.
 *
 * A schema change made by another connection (a newer process migrating while this one runs) is seen
 * by SQLite when a cached statement next runs, which recompiles it; the column types the adapter reads
 * just before that come from the old schema. Only a migration that changes a column's declared type
 * would be affected, and a process older than its database's schema is unsupported anyway.
 *
 * It relies on the adapter keeping its connection in `client` and using only `prepare(sql)` then
 * `bind(args)`, `reader`, `columns()`, `raw().all()` and `run()`; test/unit/store/sqlite-statement-cache
 * checks that against the installed adapter, and an adapter without `client` is left as it is.
 */
export function withStatementCache<F extends { connect(): Promise<object> }>(factory: F, max = 500): F {
  const connect = factory.connect.bind(factory);
  factory.connect = (async () => {
    const adapter = await connect();
    const holder = adapter as { client?: BetterSqlite3.Database };
    if (holder.client && typeof holder.client.prepare === 'function') {
      const stats: StatementCacheStats = { compiled: 0, reused: 0 };
      holder.client = cachingConnection(holder.client, max, stats);
      (factory as { [STATS]?: StatementCacheStats })[STATS] = stats;
    }
    return adapter;
  }) as F['connect'];
  return factory;
}

/** How many statements a connection compiled and how many it reused (for tests and diagnostics). */
export interface StatementCacheStats {
  /** Statements compiled, cached or not (those with many parameters are compiled per call). */
  compiled: number;
  reused: number;
}

const STATS = Symbol('statementCacheStats');

/** The counts of the factory's latest connection; undefined before it connects or when it could not be wrapped. */
export function statementCacheStats(factory: object): StatementCacheStats | undefined {
  return (factory as { [STATS]?: StatementCacheStats })[STATS];
}

function cachingConnection(db: BetterSqlite3.Database, max: number, stats: StatementCacheStats): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): CachedStatement | BetterSqlite3.Statement => {
    // Prisma writes a list's placeholders into the SQL text (`IN (?,?,…)`, a multi-row VALUES), so
    // such statements differ with the list's length and are rarely reused: kept out of the cache, they
    // cannot fill it with large single-use statements.
    if (placeholders(sql) > MAX_CACHED_PARAMETERS) {
      stats.compiled++;
      return db.prepare(sql);
    }
    let statement = cache.get(sql);
    if (statement) {
      stats.reused++;
      // Map order is insertion order: re-insert to mark it most recently used.
      cache.delete(sql);
    } else {
      statement = db.prepare(sql);
      stats.compiled++;
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return new CachedStatement(statement, []);
  };
  return new Proxy(db, {
    get(target, key) {
      if (key === 'prepare') return prepare;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Statements with more parameters than this are compiled per call, as the adapter does. */
const MAX_CACHED_PARAMETERS = 64;

function placeholders(sql: string): number {
  let n = 0;
  for (let i = sql.indexOf('?'); i >= 0 && n <= MAX_CACHED_PARAMETERS; i = sql.indexOf('?', i + 1)) n++;
  return n;
}

/** A compiled statement with this call's arguments: the part of better-sqlite3's Statement the adapter uses. */
class CachedStatement {
  constructor(
    private readonly statement: BetterSqlite3.Statement,
    private readonly args: unknown[],
  ) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  bind(args: unknown[]): CachedStatement {
    return new CachedStatement(this.statement, args);
  }

  columns(): BetterSqlite3.ColumnDefinition[] {
    return this.statement.columns();
  }

  raw(): { all: () => unknown[] } {
    return { all: () => this.statement.raw(true).all(this.args) };
  }

  run(): BetterSqlite3.RunResult {
    return this.statement.run(this.args);
  }
}

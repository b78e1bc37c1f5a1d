import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type SqliteDriver from 'better-sqlite3';
import type PgDriver from 'pg';
import { AppError } from '../errors.js';
import { PROJECT_ROOT } from '../paths.js';
import { connectTimeoutMs, type Provider, sqlitePath } from './database.js';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_ROOT = join(PROJECT_ROOT, 'prisma');

/** The committed migrations for a provider, oldest first. */
export function readMigrations(provider: Provider, root = MIGRATIONS_ROOT): Migration[] {
  const dir = join(root, provider, 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

// Same table as Prisma's own migrate, so `prisma migrate deploy` and this runner agree on history.
const HISTORY_DDL: Record<Provider, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
    "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgres: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};

interface Applied {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

function plan(migrations: Migration[], applied: Applied[]): Migration[] {
  const done = new Map(applied.filter((a) => a.rolled_back_at === null).map((a) => [a.migration_name, a]));
  for (const a of done.values()) {
    if (a.finished_at === null) {
      throw new AppError('INTERNAL', { message: `Migration ${a.migration_name} started but did not finish; fix the database, then mark it rolled back.` });
    }
    const local = migrations.find((m) => m.name === a.migration_name);
    if (local && local.checksum !== a.checksum) {
      throw new AppError('INTERNAL', { message: `Migration ${a.migration_name} was changed after it was applied (checksum differs).` });
    }
  }
  return migrations.filter((m) => !done.has(m.name));
}

/** PostgreSQL advisory lock id, so that processes starting together migrate one at a time. */
const PG_LOCK = 7_162_930_411;

/**
 * Applies every committed migration that the database has not applied yet, each in its own
 * transaction. Idempotent; safe when several processes start at once. Returns the names applied.
 */
export async function migrate(target: { provider: Provider; url: string }, migrations = readMigrations(target.provider)): Promise<string[]> {
  // Only the provider's driver is loaded (the other costs ~20 ms of start-up for nothing).
  if (target.provider === 'sqlite') return migrateSqlite((await import('better-sqlite3')).default, sqlitePath(target.url), migrations);
  return migratePostgres((await import('pg')).default, target.url, migrations);
}

function migrateSqlite(Sqlite: typeof SqliteDriver, file: string, migrations: Migration[]): string[] {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Sqlite(file, { timeout: 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(HISTORY_DDL.sqlite);
    const todo = db.transaction(() => plan(migrations, db.prepare('SELECT * FROM "_prisma_migrations"').all() as Applied[])).immediate();
    // SQLite's procedure for schema changes: Prisma rebuilds a table (create new, copy, DROP old). With
    // foreign keys on, that DROP would cascade-delete every child row. PRAGMA foreign_keys is ignored
    // inside a transaction, so turn it off here, and check the keys before each commit instead.
    db.pragma('foreign_keys = OFF');
    for (const m of todo) {
      db.transaction(() => {
        // Another process may have applied it between planning and now.
        if (db.prepare('SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ? AND rolled_back_at IS NULL').get(m.name)) return;
        db.exec(m.sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length) throw new AppError('INTERNAL', { message: `Migration ${m.name} leaves ${broken.length} broken foreign key(s); rolled back.` });
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (?, ?, ?, current_timestamp, current_timestamp, 1)`,
        ).run(randomUUID(), m.checksum, m.name);
      }).immediate();
    }
    db.pragma('foreign_keys = ON');
    return todo.map((m) => m.name);
  } finally {
    db.close();
  }
}

async function migratePostgres(pg: typeof PgDriver, url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs(url) });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_LOCK]);
    await client.query(HISTORY_DDL.postgres);
    const { rows } = await client.query<Applied>('SELECT * FROM "_prisma_migrations"');
    const todo = plan(migrations, rows);
    for (const m of todo) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query('COMMIT');
      } catch (cause) {
        await client.query('ROLLBACK');
        throw new AppError('INTERNAL', { message: `Migration ${m.name} failed: ${(cause as Error).message}`, cause });
      }
    }
    return todo.map((m) => m.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_LOCK]).catch(() => {});
    await client.end();
  }
}

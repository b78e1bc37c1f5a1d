import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Provider } from '../../core/store/database.js';

/** PostgreSQL tests run when DATABASE_URL_TEST is set (`.ci/run` sets it); SQLite tests always run. */
export const PG_URL = process.env.DATABASE_URL_TEST;

export interface TestDatabase {
  provider: Provider;
  url: string;
  drop(): Promise<void>;
}

/** A brand-new, empty SQLite file in a temp dir. */
export function freshSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'ticketbot-test-'));
  return { provider: 'sqlite', url: `file:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A brand-new, empty PostgreSQL database on the DATABASE_URL_TEST server, dropped afterwards. */
export async function freshPostgres(): Promise<TestDatabase> {
  if (!PG_URL) throw new Error('DATABASE_URL_TEST is not set');
  const name = `ticketbot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    provider: 'postgres',
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The providers to run a suite against: SQLite always, PostgreSQL when configured. */
export const PROVIDERS: { name: Provider; fresh: () => Promise<TestDatabase> }[] = [
  { name: 'sqlite', fresh: async () => freshSqlite() },
  ...(PG_URL ? [{ name: 'postgres' as const, fresh: freshPostgres }] : []),
];

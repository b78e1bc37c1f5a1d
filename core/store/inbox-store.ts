import { join, sqltag } from '@prisma/client/runtime/client';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import type { InboundDeliveryRecord, InboxStore } from '../ports.js';
import type { Database, Db } from './database.js';
import type { SqliteExclusive } from './sqlite-query-line.js';

type Entry = { deliveryKey: string; payload: string };
type Taken = { id: number | bigint; deliveryKey: string };

/** Deliveries per INSERT statement (SQLite). */
const RECORD_CHUNK = 500;

/** The inbound delivery inbox on Prisma. A claim is a conditional update, so exactly one process wins it. */
export class PrismaInboxStore implements InboxStore {
  private readonly db: Db;
  /** PostgreSQL's pool: the record is then one plain-SQL statement with the burst as one JSON parameter. */
  private readonly pg: Pool | undefined;
  /** SQLite: the record is then written on the driver, on Prisma's connection and in line with its transactions. */
  private readonly sqlite: SqliteExclusive | undefined;

  constructor(database: Pick<Database, 'db' | 'pg' | 'sqlite'>) {
    this.db = database.db;
    this.pg = database.pg;
    this.sqlite = database.sqlite;
  }

  /**
   * One statement for a burst: rows whose key is already known (a redelivery, or another process's
   * record of the same delivery) are skipped by the unique index, so the ids returned are exactly the
   * deliveries this call took. Raw SQL because Prisma's createManyAndReturn plus the lookup before it
   * cost ~5× more (SQLite 200 rows: 46 → 10 ms; PostgreSQL: 53 → 25 ms), and this write sits in front
   * of every Slack acknowledgement.
   */
  async record(platform: string, entries: { deliveryKey: string; payload: string }[], at: Date, leaseMs: number): Promise<(number | null)[]> {
    const claimedUntil = new Date(at.getTime() + leaseMs);
    // The first occurrence of each key (the index of the entry that gets the id).
    const first = new Map<string, number>();
    entries.forEach((e, i) => {
      if (!first.has(e.deliveryKey)) first.set(e.deliveryKey, i);
    });
    // In key order, so that two processes inserting overlapping bursts take their row locks in the same order (no deadlock).
    const fresh = entries.filter((e, i) => first.get(e.deliveryKey) === i).sort((a, b) => (a.deliveryKey < b.deliveryKey ? -1 : 1));
    const taken = this.pg
      ? await this.insertJson(this.pg, platform, fresh, at, claimedUntil)
      : this.sqlite
        ? await this.sqlite((connection) => insertRows(connection, platform, fresh, at, claimedUntil))
        : await this.insertValues(platform, fresh, at, claimedUntil);
    const ids = new Map(taken.map((row) => [row.deliveryKey, Number(row.id)]));
    // Only the first occurrence of a key gets its id.
    return entries.map((e, i) => (first.get(e.deliveryKey) === i ? (ids.get(e.deliveryKey) ?? null) : null));
  }

  /**
   * PostgreSQL, on the driver: the burst is one JSON parameter, so the statement's text is always the
   * same and there are 4 parameters, not 5 a row. Through Prisma, 200 rows took ~13 ms (4.2 ms of this
   * thread's CPU); this way ~6 ms (1.6 ms of CPU), measured with scratch code (docs/benchmarks.md).
   * `json_array_elements` keeps the array's order, so rows are still inserted in key order.
   */
  private async insertJson(pool: Pool, platform: string, fresh: Entry[], at: Date, claimedUntil: Date): Promise<Taken[]> {
    const { rows } = await pool.query<Taken>(
      `INSERT INTO "InboundDelivery" ("platform", "deliveryKey", "payload", "receivedAt", "claimedUntil")
        SELECT $1, r->>0, r->>1, $2::timestamp(3), $3::timestamp(3) FROM json_array_elements($4::json) AS r
        ON CONFLICT ("platform", "deliveryKey") DO NOTHING RETURNING "id", "deliveryKey"`,
      // Timestamps as UTC text, as Prisma writes them (node-postgres would send a Date in the process's zone).
      [platform, at.toISOString(), claimedUntil.toISOString(), JSON.stringify(fresh.map((e) => [e.deliveryKey, e.payload]))],
    );
    return rows;
  }

  /** Through Prisma: for an SQLite adapter whose connection could not be reached (sqliteExclusive). */
  private async insertValues(platform: string, fresh: Entry[], at: Date, claimedUntil: Date): Promise<Taken[]> {
    // 5 parameters a row; SQLite allows 32,766 and PostgreSQL 65,535 per statement.
    const chunks: (typeof fresh)[] = [];
    for (let i = 0; i < fresh.length; i += RECORD_CHUNK) chunks.push(fresh.slice(i, i + RECORD_CHUNK));
    const insert = async (db: Pick<Db, '$queryRaw'>, chunk: typeof fresh) =>
      db.$queryRaw<{ id: number | bigint; deliveryKey: string }[]>(
        sqltag`INSERT INTO "InboundDelivery" ("platform", "deliveryKey", "payload", "receivedAt", "claimedUntil")
          VALUES ${join(chunk.map((e) => sqltag`(${platform}, ${e.deliveryKey}, ${e.payload}, ${at}, ${claimedUntil})`))}
          ON CONFLICT ("platform", "deliveryKey") DO NOTHING RETURNING "id", "deliveryKey"`,
      );
    const insertAll = async (db: Pick<Db, '$queryRaw'>) => {
      const rows = [];
      for (const chunk of chunks) rows.push(...(await insert(db, chunk)));
      return rows;
    };
    // A burst larger than one statement is written all or nothing: a caller that sees an error works on the whole burst unrecorded.
    return chunks.length > 1 ? await this.db.$transaction((tx) => insertAll(tx)) : await insertAll(this.db);
  }

  async finish(id: number, at: Date, error: string | null = null): Promise<void> {
    await this.db.inboundDelivery.update({ where: { id }, data: { doneAt: at, lastError: error?.slice(0, 1000) ?? null } });
  }

  async release(id: number, attempts: number, until: Date): Promise<void> {
    await this.db.inboundDelivery.updateMany({ where: { id, attempts, doneAt: null }, data: { claimedUntil: until } });
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

const insertStatements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement<[string, string, string, string, string], Taken>>();

/**
 * SQLite, on the driver: one prepared single-row statement run for each delivery, in one transaction.
 * Through Prisma, 200 rows took ~6.7 ms of this thread (its parameters serialised to JSON and back, and
 * a 1,000-parameter statement compiled each time); this way ~1.3 ms (docs/benchmarks.md). Timestamps
 * are written as the adapter writes them (its `iso8601` format), since SQLite compares them as text.
 */
function insertRows(connection: BetterSqlite3.Database, platform: string, fresh: Entry[], at: Date, claimedUntil: Date): Taken[] {
  const statement =
    insertStatements.get(connection) ??
    connection.prepare<[string, string, string, string, string], Taken>(
      `INSERT INTO "InboundDelivery" ("platform", "deliveryKey", "payload", "receivedAt", "claimedUntil") VALUES (?, ?, ?, ?, ?)
        ON CONFLICT ("platform", "deliveryKey") DO NOTHING RETURNING "id", "deliveryKey"`,
    );
  insertStatements.set(connection, statement);
  const received = sqliteTimestamp(at);
  const until = sqliteTimestamp(claimedUntil);
  return connection.transaction(() => {
    const taken: Taken[] = [];
    for (const e of fresh) {
      const row = statement.get(platform, e.deliveryKey, e.payload, received, until);
      if (row) taken.push(row);
    }
    return taken;
  })();
}

/** A timestamp as Prisma's better-sqlite3 adapter stores it with `timestampFormat: 'iso8601'`. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../core/store/database.js';
import { PrismaClient } from '../../../core/store/generated/sqlite/client.js';
import { migrate } from '../../../core/store/migrate.js';
import { statementCacheStats, withStatementCache } from '../../../core/store/sqlite-statement-cache.js';
import { freshSqlite, type TestDatabase } from '../../helpers/databases.js';

describe('the SQLite statement cache (against the installed Prisma adapter)', () => {
  let target: TestDatabase | undefined;
  let db: PrismaClient | undefined;
  afterEach(async () => {
    await db?.$disconnect();
    await target?.drop();
    db = target = undefined;
  });

  async function open(max?: number) {
    target = freshSqlite();
    await migrate(target);
    const factory = withStatementCache(new PrismaBetterSqlite3({ url: target.url.slice('file:'.length) }), max);
    db = new PrismaClient({ adapter: factory });
    return { db, stats: () => statementCacheStats(factory) };
  }

  test('each query shape is compiled once and reused with each call’s own arguments', async () => {
    const { db, stats } = await open();
    const created = [];
    for (const name of ['amy', 'bob', 'cat', 'dan']) created.push(await db.customer.create({ data: { name, tier: name === 'cat' ? 'vip' : 'standard' } }));
    for (const c of created) expect((await db.customer.findUnique({ where: { id: c.id } }))?.name).toBe(c.name);
    expect(await db.customer.count({ where: { tier: 'vip' } })).toBe(1);
    expect((await db.customer.findMany({ where: { tier: 'standard' }, orderBy: { id: 'asc' } })).map((c) => c.name)).toEqual(['amy', 'bob', 'dan']);
    const s = stats();
    expect(s).toBeDefined();
    // 4 creates and 4 lookups: the second to fourth of each reuse the first's statement.
    expect(s?.reused).toBeGreaterThanOrEqual(6);
    expect(s?.compiled).toBeLessThan(6);
  });

  test('transactions commit and roll back; a failing statement still reports its Prisma error and the next query works', async () => {
    const { db } = await open();
    await db.$transaction(async (tx) => {
      await tx.customer.create({ data: { name: 'kept' } });
    });
    await expect(
      db.$transaction(async (tx) => {
        await tx.customer.create({ data: { name: 'rolled back' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await db.customer.findMany()).map((c) => c.name)).toEqual(['kept']);
    const customer = await db.customer.findFirstOrThrow();
    await db.customerIdentity.create({ data: { customerId: customer.id, platform: 'slack', platformUserId: 'U1' } });
    await expect(db.customerIdentity.create({ data: { customerId: customer.id, platform: 'slack', platformUserId: 'U1' } })).rejects.toMatchObject({
      code: 'P2002',
    });
    expect(await db.customerIdentity.count()).toBe(1);
  });

  test('beyond `max` shapes the least recently used is dropped, and compiled again when it comes back', async () => {
    const { db, stats } = await open(2);
    await db.customer.create({ data: { name: 'amy' } });
    const a = () => db.customer.count();
    const b = () => db.customer.findMany({ where: { name: 'x' } });
    const c = () => db.customer.findMany({ where: { tier: 'x' } });
    await a();
    await b();
    const before = stats()?.compiled ?? 0;
    // A is used again (most recent), so C evicts B, not A: A and C are reused, B is compiled again.
    await a();
    await c();
    await a();
    await c();
    expect((stats()?.compiled ?? 0) - before).toBe(1);
    await b();
    expect((stats()?.compiled ?? 0) - before).toBe(2);
  });

  test('a statement with a long parameter list (an IN list of 100 ids) is compiled per call, not cached', async () => {
    const { db, stats } = await open();
    const created = await db.customer.create({ data: { name: 'amy' } });
    const ids = Array.from({ length: 100 }, (_, i) => created.id + i);
    await db.customer.findMany({ where: { id: { in: ids } } });
    const before = { ...stats() };
    expect((await db.customer.findMany({ where: { id: { in: ids } } })).map((c) => c.name)).toEqual(['amy']);
    expect(stats()?.compiled).toBe((before.compiled ?? 0) + 1);
    expect(stats()?.reused).toBe(before.reused);
  });

  test('openDatabase on SQLite compiles a repeated query once', async () => {
    target = freshSqlite();
    await migrate(target);
    const database = await openDatabase(target);
    const prepare = Sqlite.prototype.prepare;
    const compiled: string[] = [];
    Sqlite.prototype.prepare = function (this: Sqlite.Database, sql: string) {
      compiled.push(sql);
      return prepare.call(this, sql);
    } as typeof prepare;
    try {
      for (let i = 0; i < 5; i++) await database.db.customer.findFirst({ where: { name: `n${i}` } });
    } finally {
      Sqlite.prototype.prepare = prepare;
      await database.close();
    }
    expect(compiled.filter((sql) => sql.includes('Customer'))).toHaveLength(1);
  });

  test('an adapter that does not keep its connection in `client` is left as it is', async () => {
    const adapter = { provider: 'sqlite' };
    const factory = withStatementCache({ connect: async () => adapter });
    expect(await factory.connect()).toBe(adapter);
    expect(statementCacheStats(factory)).toBeUndefined();
  });
});

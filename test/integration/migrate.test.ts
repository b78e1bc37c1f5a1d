import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../core/store/database.js';
import { migrate, readMigrations } from '../../core/store/migrate.js';
import { openMigrated } from '../../core/store/open-migrated.js';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.js';

const TABLES = [
  'Agent',
  'AgentIdentity',
  'Attachment',
  'AutoAnswerLog',
  'Customer',
  'CustomerIdentity',
  'InboundDelivery',
  'KbChunk',
  'KbDocument',
  'Message',
  'Notification',
  'OrderRef',
  'Setting',
  'Team',
  'Ticket',
  'TicketConversation',
  'TicketEvent',
  'TriageCorrection',
];

async function tablesOf(db: TestDatabase): Promise<string[]> {
  if (db.provider === 'sqlite') {
    const conn = new Sqlite(db.url.slice('file:'.length), { readonly: true });
    const rows = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    conn.close();
    return rows.map((r) => r.name).sort();
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
  await client.end();
  return rows.map((r) => r.table_name).sort();
}

describe.each(PROVIDERS)('migrations on a fresh $name database', (provider) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  test('applies every committed migration once, then nothing', async () => {
    db = await provider.fresh();
    const all = readMigrations(provider.name).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual(all);
    expect(await tablesOf(db)).toEqual([...TABLES, '_prisma_migrations'].sort());
    expect(await migrate(db)).toEqual([]);
  });

  test('openMigrated applies what is pending, then opens with warm connections; a failed migration leaves nothing open', async () => {
    db = await provider.fresh();
    const applied: string[][] = [];
    const all = readMigrations(provider.name).map((m) => m.name);
    const first = await openMigrated(db, { onApplied: (names) => applied.push(names), warmConnections: 4 });
    try {
      expect(applied).toEqual([all]);
      expect(await first.db.ticket.count()).toBe(0);
      if (provider.name === 'postgres') {
        const [row] = await first.db.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()');
        expect(Number(row?.n)).toBeGreaterThanOrEqual(4);
      }
    } finally {
      await first.close();
    }
    const again = await openMigrated(db, { onApplied: (names) => applied.push(names) });
    await again.close();
    expect(applied).toHaveLength(1);
    if (provider.name === 'postgres') {
      const gone = new URL(db.url);
      gone.pathname = '/ticketbot_no_such_database';
      await expect(openMigrated({ provider: 'postgres', url: gone.toString() }, { warmConnections: 2 })).rejects.toThrow(/does not exist/);
    }
  });

  test('the migrated schema serves every model through Prisma', async () => {
    db = await provider.fresh();
    await migrate(db);
    const { db: prisma, close } = await openDatabase(db);
    try {
      const team = await prisma.team.create({ data: { id: 't1', nameZh: '售后', nameEn: 'After-sales' } });
      const agent = await prisma.agent.create({
        data: { id: 'a1', name: 'A', role: 'agent', teamId: team.id, identities: { create: { platform: 'slack', platformUserId: 'U1' } } },
      });
      const customer = await prisma.customer.create({
        data: {
          name: 'C',
          identities: {
            create: [
              { platform: 'web', platformUserId: 'c1' },
              { platform: 'wechat', platformUserId: 'wx1' },
            ],
          },
        },
      });
      const ticket = await prisma.ticket.create({
        data: {
          title: 'x',
          description: 'y',
          channel: 'web',
          customerId: customer.id,
          assigneeId: agent.id,
          teamId: team.id,
          conversations: { create: { platform: 'slack', channelId: 'C1', threadId: '1.2' } },
          orders: { create: { orderNumber: '1234567890123456789', source: 'taobao' } },
          events: { create: { action: 'create', actorRole: 'customer', platform: 'web' } },
        },
      });
      const message = await prisma.message.create({
        data: { ticketId: ticket.id, visibility: 'public', authorKind: 'customer', platform: 'web', platformMessageId: 'm1', body: 'hi' },
      });
      await prisma.attachment.create({ data: { ticketId: ticket.id, messageId: message.id, url: 'https://example.com/a.png' } });
      const loaded = await prisma.ticket.findUniqueOrThrow({
        where: { id: ticket.id },
        include: { orders: true, conversations: true, messages: { include: { attachments: true } }, events: true, customer: { include: { identities: true } } },
      });
      expect(loaded.customer?.identities).toHaveLength(2);
      expect(loaded.messages[0]?.attachments).toHaveLength(1);
      expect(loaded.orders[0]?.orderNumber).toBe('1234567890123456789');
      await expect(
        prisma.message.create({
          data: { ticketId: ticket.id, visibility: 'public', authorKind: 'customer', platform: 'web', platformMessageId: 'm1', body: 'again' },
        }),
      ).rejects.toMatchObject({ code: 'P2002' });
    } finally {
      await close();
    }
  });

  test('later migrations keep existing data (SQLite table rebuilds do not cascade-delete children)', async () => {
    db = await provider.fresh();
    const all = readMigrations(provider.name);
    expect(all.length).toBeGreaterThan(1);
    await migrate(db, all.slice(0, 1));
    const target = db;
    const exec = async (sql: string) => {
      if (target.provider === 'sqlite') {
        const conn = new Sqlite(target.url.slice('file:'.length));
        conn.exec(sql);
        conn.close();
      } else {
        const client = new pg.Client({ connectionString: target.url });
        await client.connect();
        await client.query(sql);
        await client.end();
      }
    };
    await exec(`INSERT INTO "Ticket" (title, description, channel, "updatedAt") VALUES ('t', 'd', 'web', CURRENT_TIMESTAMP);
      INSERT INTO "Message" ("ticketId", visibility, "authorKind", platform, body) VALUES (1, 'public', 'customer', 'web', 'hello');
      INSERT INTO "TicketEvent" ("ticketId", action, "actorRole", platform) VALUES (1, 'create', 'customer', 'web');`);
    expect(await migrate(db)).toEqual(all.slice(1).map((m) => m.name));
    const { db: prisma, close } = await openDatabase(db);
    try {
      const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: 1 }, include: { messages: true, events: true } });
      expect(ticket.messages.map((m) => m.body)).toEqual(['hello']);
      expect(ticket.events).toHaveLength(1);
    } finally {
      await close();
    }
  });

  test('refuses a migration that was edited after it was applied', async () => {
    db = await provider.fresh();
    const migrations = readMigrations(provider.name);
    await migrate(db, migrations);
    const first = migrations[0];
    if (!first) throw new Error('no migrations');
    await expect(migrate(db, [{ ...first, checksum: 'f'.repeat(64) }, ...migrations.slice(1)])).rejects.toThrow(/changed after it was applied/);
  });

  test('processes starting together migrate once', async () => {
    db = await provider.fresh();
    const target = db;
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(target)));
    expect(results.flat()).toEqual(readMigrations(provider.name).map((m) => m.name));
  });
});

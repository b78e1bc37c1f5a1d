// `npx tsx bench/agent-loads.ts`: how long routing's load read (TicketStore.assigneeLoads, once per
// queue drain) takes with a long ticket history. AGENT_LOADS_N tickets (default 50,000; one in 50
// still open) spread over 10 agents of one team, in a fresh SQLite file, or in a scratch database on
// the PostgreSQL server when DATABASE_URL is a postgresql:// URL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openMigrated } from '../core/store/open-migrated.js';
import { PrismaTicketStore } from '../core/store/ticket-store.js';
import { percentile } from './stats.js';

const n = Number(process.env.AGENT_LOADS_N ?? 50_000);
const server = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
const dir = mkdtempSync(join(tmpdir(), 'ticketbot-bench-loads-'));
const dbName = `ticketbot_bench_${randomBytes(4).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  await client.query(sql);
  await client.end();
}

let url = `file:${join(dir, 'bench.db')}`;
if (server) {
  await admin(`CREATE DATABASE "${dbName}"`);
  const u = new URL(server);
  u.pathname = `/${dbName}`;
  url = u.toString();
}
const database = await openMigrated({ provider: server ? 'postgres' : 'sqlite', url });
try {
  const db = database.db;
  await db.team.create({ data: { id: 't1', nameZh: '售后', nameEn: 'After-sales' } });
  for (let a = 0; a < 10; a++) await db.agent.create({ data: { id: `a${a}`, name: `a${a}`, role: 'agent', teamId: 't1' } });
  const start = Date.now() - n * 60_000;
  for (let done = 0; done < n; done += 1000) {
    await db.ticket.createMany({
      data: Array.from({ length: Math.min(1000, n - done) }, (_, k) => {
        const i = done + k;
        return {
          title: 't',
          description: 't',
          status: i % 50 === 0 ? 'assigned' : 'closed',
          category: 'other',
          priority: 'P3',
          channel: 'web',
          teamId: 't1',
          assigneeId: `a${i % 10}`,
          assignedAt: new Date(start + i * 60_000),
          accessKey: `k${i}`,
        };
      }),
    });
  }
  const store = new PrismaTicketStore(db);
  const ms: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    await store.assigneeLoads({ includePending: true });
    if (i >= 10) ms.push(performance.now() - t);
  }
  console.log(
    JSON.stringify({
      database: server ? 'postgres' : 'sqlite',
      tickets: n,
      agents: 10,
      p50_ms: Number(percentile(ms, 50).toFixed(2)),
      p99_ms: Number(percentile(ms, 99).toFixed(2)),
    }),
  );
} finally {
  await database.close();
  if (server) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
}

// `npm run bench:sla`: 10,000 pending SLA timers held by a real worker process, SIGKILLed part-way and
// restarted. BullMQ when REDIS_URL is set, else the in-process scheduler; PostgreSQL when DATABASE_URL
// is a postgresql:// URL (a scratch database is created on that server), else a temporary SQLite file.
// The last line printed is one JSON object: timers, late_p99_ms, lost, duplicated, scheduler, …
// Knobs: SLA_BENCH_TIMERS (10000), SLA_BENCH_SPREAD_S (warnings fall due over this long, 300),
// SLA_BENCH_LEAD_S (first one due this long after seeding starts, 30), SLA_BENCH_KILL_AT (share fired at the kill, 0.4),
// SLA_BENCH_TRACE (a file for each reminder's due and fired times relative to the kill).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { BullmqScheduler } from '../core/jobs/bullmq-scheduler.js';
import { runSlaRestart } from './sla-harness.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const redisUrl = process.env.REDIS_URL || undefined;
const pgUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;

async function scratchPostgres(server: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ticketbot_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

const dir = mkdtempSync(join(tmpdir(), 'ticketbot-bench-sla-'));
const db = pgUrl ? await scratchPostgres(pgUrl) : { url: `file:${join(dir, 'bench.db')}`, drop: async () => {} };
const prefix = `ticketbot-bench-${randomBytes(4).toString('hex')}`;
try {
  const result = await runSlaRestart({
    provider: pgUrl ? 'postgres' : 'sqlite',
    databaseUrl: db.url,
    redisUrl,
    redisPrefix: prefix,
    timers: num('SLA_BENCH_TIMERS', 10_000),
    spreadMs: num('SLA_BENCH_SPREAD_S', 300) * 1000,
    leadMs: num('SLA_BENCH_LEAD_S', 30) * 1000,
    killAt: num('SLA_BENCH_KILL_AT', 0.4),
    compiled: true, // `npm run bench:sla` builds first: workers run as `npm start` runs them
    onProgress: (line) => console.error(line),
    traceFile: process.env.SLA_BENCH_TRACE || undefined,
  });
  console.log(JSON.stringify(result));
} finally {
  if (redisUrl) {
    const cleanup = new BullmqScheduler({ redisUrl, prefix });
    await cleanup.obliterate();
    await cleanup.stop();
  }
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}

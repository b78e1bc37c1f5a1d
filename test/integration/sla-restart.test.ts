import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { runSlaRestart } from '../../bench/sla-harness.js';
import { BullmqScheduler } from '../../core/jobs/bullmq-scheduler.js';
import { freshPostgres, freshSqlite, PG_URL } from '../helpers/databases.js';

const REDIS_URL = process.env.REDIS_URL_TEST;

// A real worker process (`ticketbot worker`, from the TypeScript source) holds 1,000 SLA timers; it is
// SIGKILLed part-way and a new one started. Every reminder must fire exactly once and be delivered once.
describe('SLA reminders across a SIGKILL restart', () => {
  test('in-process scheduler on SQLite: 1,000 timers, none lost, none twice', { timeout: 180_000 }, async () => {
    const db = freshSqlite();
    try {
      const result = await runSlaRestart({ provider: 'sqlite', databaseUrl: db.url, timers: 1000, leadMs: 8000, spreadMs: 8000, killAt: 0.3 });
      expect(result).toMatchObject({ scheduler: 'in-process', reminders: 1000, fired: 1000, lost: 0, duplicated: 0, delivered: 1000 });
      // The kill really happened mid-run: some reminders were still to come.
      expect(result.restart_gap_ms).toBeGreaterThan(0);
    } finally {
      await db.drop();
    }
  });

  test.skipIf(!REDIS_URL || !PG_URL)('BullMQ on Redis with PostgreSQL: 1,000 timers, none lost, none twice', { timeout: 180_000 }, async () => {
    const db = await freshPostgres();
    const prefix = `ticketbot-test-${randomBytes(4).toString('hex')}`;
    try {
      const result = await runSlaRestart({
        provider: 'postgres',
        databaseUrl: db.url,
        redisUrl: REDIS_URL,
        redisPrefix: prefix,
        timers: 1000,
        leadMs: 10000,
        spreadMs: 8000,
        killAt: 0.3,
      });
      expect(result).toMatchObject({ scheduler: 'bullmq', reminders: 1000, fired: 1000, lost: 0, duplicated: 0, delivered: 1000 });
    } finally {
      const cleanup = new BullmqScheduler({ redisUrl: REDIS_URL ?? '', prefix });
      await cleanup.obliterate();
      await cleanup.stop();
      await db.drop();
    }
  });
});

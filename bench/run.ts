// `npm run bench`: ticket-core throughput and latency on SQLite (and PostgreSQL when DATABASE_URL_TEST
// is set), in-process and over the real HTTP channel. Prints a table per database, then one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../bot/app.js';
import { intakeMessage } from '../core/tickets/intake-message.js';
import { claimTicket } from '../core/tickets/ticket-actions.js';
import { freshPostgres, freshSqlite, PG_URL, type TestDatabase } from '../test/helpers/databases.js';
import { summary, timed } from './stats.js';

const N = Number(process.env.BENCH_N ?? 1000);
const TEXT = '我的订单 1234567890123456789 三天了还没发货，麻烦查一下物流';

async function benchDatabase(db: TestDatabase) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-bench-'));
  const app = await createApp({
    env: { DATABASE_URL: db.url, TICKETBOT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', TICKETBOT_API_TOKEN: 'bench-token-0123456789' },
  });
  const deps = app.deps;
  const msg = (id: string, customer: string) => ({
    platform: 'web' as const,
    platformMessageId: id,
    author: { platformUserId: customer },
    text: TEXT,
    channel: 'web' as const,
  });
  try {
    const rows = [];
    rows.push(summary('intake new ticket, sequential', await timed(N, 1, (i) => intakeMessage(deps, msg(`seq-${i}`, `c-${i % 50}`)))));
    rows.push(summary('intake new ticket, 20 concurrent', await timed(N, 20, (i) => intakeMessage(deps, msg(`par-${i}`, `c-${i % 50}`)))));
    rows.push(summary('intake duplicate delivery, 20 concurrent', await timed(N, 20, (i) => intakeMessage(deps, msg(`par-${i % 100}`, 'c-0')))));
    const tickets = await deps.tickets.listTickets({ statuses: ['new'], limit: 200 });
    rows.push(
      summary(
        'claim (distinct tickets), 20 concurrent',
        await timed(tickets.length, 20, (i) => claimTicket(deps, tickets[i]?.id ?? 0, { role: 'agent', agentId: 'lin', platform: 'api' })),
      ),
    );
    const address = await app.web.listen({ port: 0, host: '127.0.0.1' });
    const post = (i: number) =>
      fetch(`${address}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messageId: `http-${i}`, text: TEXT, customer: { id: `h-${i % 50}` } }),
      }).then((r) => r.arrayBuffer());
    rows.push(summary('HTTP POST /api/messages, 20 concurrent', await timed(N, 20, post)));
    rows.push(
      summary(
        'HTTP GET /api/tickets/:number, 20 concurrent',
        await timed(N, 20, (i) => fetch(`${address}/api/tickets/T-${(i % 500) + 1}`).then((r) => r.arrayBuffer())),
      ),
    );
    return rows;
  } finally {
    await app.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Record<string, unknown[]> = {};
for (const [name, make] of [['sqlite', async () => freshSqlite()], ...(PG_URL ? [['postgres', freshPostgres] as const] : [])] as const) {
  const rows = await benchDatabase(await make());
  results[name] = rows;
  console.log(`\n${name} (N=${N})`);
  console.table(rows);
}
console.log(JSON.stringify({ n: N, results }));

// Seeds tickets whose SLA reminders fall due over a few seconds, runs a real worker process on them,
// SIGKILLs it part-way, starts a new one, and checks every reminder fired exactly once and how late.
// Used by the restart test (1,000 timers) and `npm run bench:sla` (10,000 timers).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type AppConfig, BUNDLED_CONFIG, parseConfig } from '../core/config.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { initialSla } from '../core/sla/clock.js';
import { type Database, openDatabase, type Provider } from '../core/store/database.js';
import { PrismaDirectoryStore } from '../core/store/directory-store.js';
import { slaPatch } from '../core/store/mappers.js';
import { migrate } from '../core/store/migrate.js';
import { newTicketState } from '../core/tickets/lifecycle.js';
import { percentile } from './stats.js';

export interface SlaRunOptions {
  provider: Provider;
  databaseUrl: string;
  redisUrl?: string | undefined;
  redisPrefix?: string | undefined;
  /** Tickets, each holding one pending wake-up: its first-response warning (the breach falls after the run). */
  timers: number;
  /** First warning this long after seeding ends (time to start the worker). */
  leadMs: number;
  /** Warnings fall due evenly over this long. */
  spreadMs: number;
  /** SIGKILL the worker once this share of the reminders has fired. */
  killAt: number;
  /** Run the bundle (`npm run build`) through the launcher, as `npm start` does, instead of the TypeScript source through tsx. */
  compiled?: boolean | undefined;
  onProgress?: ((line: string) => void) | undefined;
  /** Writes each reminder's due and fired times, in ms relative to the SIGKILL, as tab-separated lines. */
  traceFile?: string | undefined;
}

export interface SlaRunResult {
  scheduler: 'bullmq' | 'in-process';
  database: Provider;
  timers: number;
  reminders: number;
  fired: number;
  lost: number;
  duplicated: number;
  late_p50_ms: number;
  late_p99_ms: number;
  late_max_ms: number;
  /** Lateness of reminders that fell due while a worker was running (not before the first was up, not in the restart gap). */
  late_p99_running_ms: number;
  /** Due time to the reminder's message on the ticket (the outbox delivery on top of the firing). */
  delivered_late_p99_ms: number;
  delivered_late_max_ms: number;
  /** Reminders due before the first worker was ready (it fires them at start). */
  due_before_start: number;
  /** SIGKILL to the new worker's "automation started" (what was missed is fired, every timer armed again). */
  restart_gap_ms: number;
  /** SIGKILL to the first reminder the restarted worker fired (null: it fired none). */
  first_fire_after_kill_ms: number | null;
  due_during_gap: number;
  /** Notifications delivered (a message on the ticket each: the web gateway is idempotent by notification id). */
  delivered: number;
  /** Notifications handed to the gateways more than once (a worker died mid-delivery): at-least-once in action. */
  redelivered: number;
}

function runConfig(firstResponseMs: number): string {
  // The bundled config with one first-response target for every priority, warnings at 50%, no routing.
  const raw = JSON.parse(readFileSync(BUNDLED_CONFIG, 'utf8')) as Record<string, unknown>;
  const target = { firstResponse: `${firstResponseMs / 1000}s`, resolution: null };
  raw.sla = { warnAt: 0.5, targets: { P1: target, P2: target, P3: target, P4: target }, resolvedCloseAfter: null };
  raw.routing = { autoAssign: false };
  for (const team of raw.teams as { calendar?: string }[]) delete team.calendar; // 24/7: the run happens whatever the hour
  raw.notifications = { limit: 1_000_000, windowSeconds: 60 };
  return JSON.stringify(raw);
}

/** Tickets straight into the database (intake would take longer than the reminders' lead time). */
async function seed(database: Database, config: AppConfig, n: number, firstAt: number, spreadMs: number, frMs: number): Promise<void> {
  for (let start = 0; start < n; start += 500) {
    const rows = [];
    for (let i = start; i < Math.min(n, start + 500); i++) {
      // Warning at created + frMs/2: created so that warnings fall due evenly from firstAt.
      const createdAt = new Date(firstAt + Math.floor((i * spreadMs) / n) - frMs / 2);
      const state = newTicketState({ teamId: 'after-sales', category: 'other', priority: 'P3' });
      const sla = initialSla(config, { ...state, createdAt, customerTier: 'standard' });
      rows.push({
        title: `bench ${i}`,
        description: 'bench',
        channel: 'api',
        teamId: 'after-sales',
        category: 'other',
        priority: 'P3',
        createdAt,
        ...slaPatch(sla),
      });
    }
    await database.db.ticket.createMany({ data: rows });
  }
}

// `ticketbot worker`: the bot's background workers without the HTTP server, as in production.
// `ready` resolves with the worker's own log time of "automation started" (missed reminders fired, timers
// armed again): this process may read the pipe late while it is busy.
function startWorker(env: NodeJS.ProcessEnv, compiled: boolean): { child: ChildProcess; ready: Promise<number> } {
  const entry = compiled ? [join(PROJECT_ROOT, 'bin', 'ticketbot.mjs')] : ['--import', 'tsx', join(PROJECT_ROOT, 'bot', 'main.ts')];
  const child = spawn(process.execPath, [...entry, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const ready = new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (!line.includes('"automation started"')) return;
      const logged = (JSON.parse(line) as { time?: unknown }).time;
      resolve(typeof logged === 'number' ? logged : Date.now());
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${err.slice(-2000)}`)));
  });
  return { child, ready };
}

async function countFired(database: Database): Promise<number> {
  return database.db.ticketEvent.count({ where: { action: { in: ['sla_warning', 'sla_breach'] } } });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

export async function runSlaRestart(opts: SlaRunOptions): Promise<SlaRunResult> {
  const log = opts.onProgress ?? (() => {});
  // Warning at 50% of the target; the breach comes long after the run.
  const frMs = 2 * (opts.leadMs + opts.spreadMs + 600_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-sla-'));
  const configPath = join(dataDir, 'config.json');
  const configText = runConfig(frMs);
  writeFileSync(configPath, configText);
  const config = parseConfig(configText, 'json');
  const target = { provider: opts.provider, url: opts.databaseUrl };
  await migrate(target);
  const database = await openDatabase(target);
  const workers: ChildProcess[] = [];
  try {
    await new PrismaDirectoryStore(database.db).syncFromConfig(config);
    const seedStart = Date.now();
    const firstAt = seedStart + opts.leadMs;
    await seed(database, config, opts.timers, firstAt, opts.spreadMs, frMs);
    log(`seeded ${opts.timers} tickets in ${Date.now() - seedStart} ms`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      TICKETBOT_DATA_DIR: dataDir,
      TICKETBOT_CONFIG: configPath,
      LOG_LEVEL: 'info',
      REDIS_URL: opts.redisUrl ?? '',
      REDIS_PREFIX: opts.redisPrefix ?? 'ticketbot',
    };
    const first = startWorker(env, opts.compiled ?? false);
    workers.push(first.child);
    const startedAt = await first.ready;
    log(`worker 1 ready after ${startedAt - seedStart} ms from seeding`);
    const reminders = opts.timers;
    await waitFor(async () => (await countFired(database)) >= reminders * opts.killAt, opts.leadMs * 4 + opts.spreadMs * 2);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    const second = startWorker(env, opts.compiled ?? false);
    workers.push(second.child);
    const gapEnd = await second.ready;
    log(`killed worker 1 at ${await countFired(database)} reminders; worker 2 ready after ${gapEnd - killedAt} ms`);
    const lastDue = firstAt + opts.spreadMs;
    await waitFor(async () => Date.now() > lastDue && (await countFired(database)) >= reminders, lastDue - Date.now() + 60_000);
    await waitFor(async () => (await database.db.notification.count({ where: { sentAt: null } })) === 0, 45_000); // a dead worker's claims free up after the 30 s lease
    return { ...(await measure(database, opts, reminders, { startedAt, killedAt, gapEnd })), scheduler: opts.redisUrl ? 'bullmq' : 'in-process' };
  } finally {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measure(
  database: Database,
  opts: SlaRunOptions,
  reminders: number,
  { startedAt, killedAt, gapEnd }: { startedAt: number; killedAt: number; gapEnd: number },
): Promise<Omit<SlaRunResult, 'scheduler'>> {
  const tickets = await database.db.ticket.findMany({ select: { id: true, createdAt: true, firstResponseDueAt: true } });
  const events = await database.db.ticketEvent.findMany({
    where: { action: { in: ['sla_warning', 'sla_breach'] } },
    select: { ticketId: true, note: true, createdAt: true },
  });
  const due = new Map<string, number>();
  for (const t of tickets) {
    const breach = t.firstResponseDueAt?.getTime() ?? 0;
    due.set(`${t.id}:fr_warning`, t.createdAt.getTime() + (breach - t.createdAt.getTime()) / 2);
    due.set(`${t.id}:fr_breach`, breach);
  }
  const seen = new Map<string, number>();
  const late: number[] = [];
  const lateRunning: number[] = [];
  let dueDuringGap = 0;
  let dueBeforeStart = 0;
  let firstAfterKill = Number.POSITIVE_INFINITY;
  const trace: [due: number, fired: number][] = [];
  for (const e of events) {
    if (e.createdAt.getTime() > killedAt) firstAfterKill = Math.min(firstAfterKill, e.createdAt.getTime() - killedAt);
    const key = `${e.ticketId}:${e.note}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const at = due.get(key);
    if (at === undefined) continue;
    const ms = Math.max(0, e.createdAt.getTime() - at);
    late.push(ms);
    if (opts.traceFile) trace.push([at - killedAt, e.createdAt.getTime() - killedAt]);
    if (at < startedAt) dueBeforeStart++;
    else if (at >= killedAt && at <= gapEnd) dueDuringGap++;
    else lateRunning.push(ms);
  }
  // Delivery: the reminder posted on the ticket by the web gateway (one message per notification).
  const messages = await database.db.message.findMany({
    where: { platformMessageId: { startsWith: 'notification:' } },
    select: { platformMessageId: true, createdAt: true },
  });
  const notifications = new Map((await database.db.notification.findMany({ select: { id: true, ticketId: true, kind: true } })).map((n) => [n.id, n]));
  const deliveredLate: number[] = [];
  for (const m of messages) {
    const n = notifications.get(Number(m.platformMessageId?.slice('notification:'.length)));
    const at = n && due.get(`${n.ticketId}:${n.kind}`);
    if (at !== undefined) deliveredLate.push(Math.max(0, m.createdAt.getTime() - at));
  }
  if (opts.traceFile)
    writeFileSync(
      opts.traceFile,
      `${trace
        .sort((a, b) => a[0] - b[0])
        .map((row) => row.join('\t'))
        .join('\n')}\n`,
    );
  const round = (x: number) => Math.round(x);
  return {
    database: opts.provider,
    timers: opts.timers,
    reminders,
    fired: seen.size,
    lost: reminders - seen.size,
    duplicated: [...seen.values()].reduce((sum, n) => sum + n - 1, 0),
    late_p50_ms: round(percentile(late, 50)),
    late_p99_ms: round(percentile(late, 99)),
    late_max_ms: round(Math.max(0, ...late)),
    late_p99_running_ms: round(percentile(lateRunning, 99)),
    delivered_late_p99_ms: round(percentile(deliveredLate, 99)),
    delivered_late_max_ms: round(Math.max(0, ...deliveredLate)),
    restart_gap_ms: gapEnd - killedAt,
    first_fire_after_kill_ms: Number.isFinite(firstAfterKill) ? firstAfterKill : null,
    due_during_gap: dueDuringGap,
    due_before_start: dueBeforeStart,
    delivered: messages.length,
    redelivered: await database.db.notification.count({ where: { attempts: { gt: 1 } } }),
  };
}

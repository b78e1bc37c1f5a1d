import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.js';

const BIN = join(PROJECT_ROOT, 'bin', 'ticketbot.mjs');

function cli(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('ticketbot CLI on a fresh data dir', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('migrate is idempotent', () => {
    const first = cli(['migrate'], { TICKETBOT_DATA_DIR: dataDir });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\) to sqlite: \d+_init/);
    const second = cli(['migrate'], { TICKETBOT_DATA_DIR: dataDir });
    expect(second.stdout).toMatch(/up to date/);
  });

  test('seed-demo, tickets list and tickets show', () => {
    const seeded = cli(['seed-demo'], { TICKETBOT_DATA_DIR: dataDir });
    expect(seeded.status).toBe(0);
    expect(seeded.stdout.split('\n').filter((l) => / created /.test(l))).toHaveLength(5);
    expect(cli(['seed-demo'], { TICKETBOT_DATA_DIR: dataDir }).stdout).not.toMatch(/ created /);
    const list = cli(['tickets', 'list'], { TICKETBOT_DATA_DIR: dataDir });
    expect(list.stdout.trim().split('\n')).toHaveLength(5);
    expect(list.stdout.split('\n')[0]).toMatch(/^T-000004 {2}P1/); // the 12315 threat sorts first
    const show = cli(['tickets', 'show', 'T-000002', '--lang', 'en'], { TICKETBOT_DATA_DIR: dataDir });
    expect(show.stdout).toMatch(/Ticket T-000002/);
    // Routing gave it to the least-loaded on-duty agent of its team at once.
    expect(show.stdout).toMatch(/Status: assigned/);
    const missing = cli(['tickets', 'show', 'T-999999'], { TICKETBOT_DATA_DIR: dataDir });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/T-999999 was not found/);
  });

  test('sla status: the report as text in either language and as JSON', () => {
    const zh = cli(['sla', 'status'], { TICKETBOT_DATA_DIR: dataDir });
    expect(zh.status).toBe(0);
    expect(zh.stdout).toMatch(/没有即将超时或已超时的工单|SLA：/);
    const json = cli(['sla', 'status', '--json', '--team', 'after-sales'], { TICKETBOT_DATA_DIR: dataDir });
    const report = JSON.parse(json.stdout) as { breached: number; at_risk: number; tickets: unknown[] };
    expect(report.breached + report.at_risk).toBe(report.tickets.length);
    expect(cli(['sla', 'bogus'], { TICKETBOT_DATA_DIR: dataDir }).status).toBe(1);
  });

  test('kb ingest and kb search on the bundled demo', () => {
    const ingest = cli(['kb', 'ingest', join(PROJECT_ROOT, 'knowledge', 'demo')], { TICKETBOT_DATA_DIR: dataDir });
    expect(ingest.status).toBe(0);
    expect(ingest.stdout).toMatch(/^\d+ added, 0 updated, 0 unchanged, 0 removed/);
    const again = cli(['kb', 'ingest', join(PROJECT_ROOT, 'knowledge', 'demo')], { TICKETBOT_DATA_DIR: dataDir });
    expect(again.stdout).toMatch(/^0 added, 0 updated, \d+ unchanged, 0 removed/);
    // One file: the report names the source its entries are stored under.
    const one = cli(['kb', 'ingest', join(PROJECT_ROOT, 'knowledge', 'demo', 'faq.jsonl')], { TICKETBOT_DATA_DIR: dataDir });
    expect(one.stdout).toMatch(/^faq\.jsonl: 0 added, 0 updated, \d+ unchanged, 0 removed/);
    const search = cli(['kb', 'search', '退款多久到账', '-k', '2'], { TICKETBOT_DATA_DIR: dataDir });
    expect(search.status).toBe(0);
    expect(search.stdout).toMatch(/^1\. \[0\.\d{3}\] .*\(faq\.jsonl#refund-timeline-zh\)/);
    expect(search.stdout).toMatch(/\n2\. \[/);
    expect(cli(['kb', 'ingest', join(dataDir, 'nope')], { TICKETBOT_DATA_DIR: dataDir }).status).toBe(1);
  });

  test('eval classify and eval kb print one JSON object with the documented keys', () => {
    const test = join(dataDir, 'cls.jsonl');
    writeFileSync(
      test,
      [
        '{"text":"我要开发票，公司抬头","category":"invoice"}',
        '{"text":"快递三天没动了","category":"shipping_logistics","priority":"P3"}',
        '{"text":"再不退款我就去12315投诉","category":"complaint","priority":"P1"}',
      ].join('\n'),
    );
    const cls = cli(['eval', 'classify', '--test', test, '--json'], { TICKETBOT_DATA_DIR: dataDir });
    expect(cls.status).toBe(0);
    const c = JSON.parse(cls.stdout) as Record<string, unknown>;
    for (const key of ['accuracy', 'macro_f1', 'per_class', 'p50_ms', 'p99_ms', 'n']) expect(c).toHaveProperty(key);
    expect(c.n).toBe(3);

    const kb = join(dataDir, 'kb.jsonl');
    const queries = join(dataDir, 'q.jsonl');
    writeFileSync(
      kb,
      ['{"faq_id":"inv","question":"怎么开发票","answer":"签收后申请"}', '{"faq_id":"ship","example_questions":["多久发货","什么时候发货"]}'].join('\n'),
    );
    writeFileSync(
      queries,
      ['{"text":"发票怎么申请","gold_faq_id":"inv"}', '{"text":"今天能发货吗","gold_faq_id":"ship"}', '{"text":"你们招人吗","gold_faq_id":null}'].join('\n'),
    );
    const kbRun = cli(['eval', 'kb', '--kb', kb, '--queries', queries, '--json'], { TICKETBOT_DATA_DIR: dataDir });
    expect(kbRun.status).toBe(0);
    const k = JSON.parse(kbRun.stdout) as Record<string, unknown>;
    for (const key of ['hit_at_1', 'hit_at_5', 'mrr', 'p50_ms', 'p99_ms', 'answer_precision', 'answer_coverage', 'n']) expect(k).toHaveProperty(key);
    expect(k.n).toBe(3);
    expect(k.hit_at_5).toBe(1);

    const bad = cli(['eval', 'classify', '--test', kb], { TICKETBOT_DATA_DIR: dataDir });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/kb\.jsonl:1:/);
  });

  test('an unknown command prints usage and exits 2', () => {
    const run = cli(['frobnicate'], { TICKETBOT_DATA_DIR: dataDir });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Usage:/);
  });
});

describe('ticketbot start with no configuration', () => {
  let child: ChildProcess;
  let dataDir: string;
  let output = '';
  let base = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-start-'));
    child = spawn(process.execPath, [BIN, 'start'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: '', TICKETBOT_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' },
    });
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in:\n${output}`)), 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const m = /listening on (http:\/\/[^"\s]+)/.exec(output);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('runs on SQLite in the data dir and says which platforms are on and why', () => {
    expect(output).toMatch(/applied database migrations/);
    expect(output).toMatch(/platform web: on/);
    expect(output).toMatch(/platform slack: off \(missing SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET\)/);
    expect(output).toMatch(/platform discord: off/);
    expect(output).toMatch(/platform wechat: off/);
    expect(output).toMatch(/"scheduler":"in-process".*automation started/);
  });

  test('serves health, intake and lookup', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const created = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: 'smoke-1', text: '快递破损了', customer: { id: 'smoke' } }),
    });
    expect(created.status).toBe(201);
    const { ticket } = (await created.json()) as { ticket: { number: string } };
    const looked = await fetch(`${base}/api/tickets/${ticket.number}`);
    // Auto-assigned at intake: the bundled config routes it to an on-duty agent.
    expect(((await looked.json()) as { ticket: { status: string } }).ticket.status).toBe('assigned');
  });

  test('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/shutting down/);
  });
});

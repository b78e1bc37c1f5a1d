import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
    expect(show.stdout).toMatch(/Status: new/);
    const missing = cli(['tickets', 'show', 'T-999999'], { TICKETBOT_DATA_DIR: dataDir });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/T-999999 was not found/);
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
    expect(((await looked.json()) as { ticket: { status: string } }).ticket.status).toBe('new');
  });

  test('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/shutting down/);
  });
});

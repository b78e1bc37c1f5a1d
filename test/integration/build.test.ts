import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.js';
import { PROVIDERS } from '../helpers/databases.js';

// `npm run build` bundles the bot with esbuild (scripts/build.mjs), and `npm start` runs the bundle, not
// the sources the rest of the suite runs through tsx. These tests build it and run its commands, so a
// package that breaks when bundled, or a lazily loaded part missing from the chunks, fails here.
const OUT = join(PROJECT_ROOT, 'node_modules', '.cache', `ticketbot-build-test-${process.pid}`);
const MAIN = join(OUT, 'bot', 'main.js');

describe('the bundled build (npm run build)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 60_000 });

  beforeAll(() => {
    const built = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build.mjs'), OUT], { encoding: 'utf8', timeout: 60_000 });
    expect(built.stderr).not.toMatch(/error/i);
    expect(built.status).toBe(0);
    dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-build-'));
    // Only what the bundle needs: settings of the shell or CI (Slack tokens, a config path) stay out.
    env = { PATH: process.env.PATH, HOME: process.env.HOME, TICKETBOT_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  }, 90_000);
  afterAll(() => {
    rmSync(OUT, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('migrates, and triages and routes the demo tickets (the triage and knowledge chunks load)', () => {
    const migrated = run(['migrate']);
    expect(migrated.stderr).not.toMatch(/Error/);
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(/Applied \d+ migration\(s\) to sqlite/);
    const seeded = run(['seed-demo']);
    expect(seeded.status).toBe(0);
    expect(seeded.stdout.split('\n').filter((l) => / created /.test(l))).toHaveLength(5);
    const shown = run(['tickets', 'show', 'T-000004', '--lang', 'en']);
    expect(shown.stdout).toMatch(/Priority: P1/); // the 12315 threat, by the local classifier's rules
  });

  // PostgreSQL too: its driver and Prisma's adapter are bundled, and its start overlaps migrate and connect.
  test.each(PROVIDERS)(
    'a worker on $name migrates, starts its automation and stops cleanly on SIGTERM',
    async (provider) => {
      const db = await provider.fresh();
      const child = spawn(process.execPath, [MAIN, 'worker'], { cwd: tmpdir(), env: { ...env, DATABASE_URL: db.url }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const lines = createInterface({ input: child.stdout });
        const seen: string[] = [];
        for await (const line of lines) {
          seen.push(line);
          if (line.includes('ticketbot worker is running')) break;
        }
        expect(seen.some((l) => l.includes('applied database migrations'))).toBe(true);
        expect(seen.some((l) => l.includes('"automation started"'))).toBe(true);
        expect(seen.at(-1)).toContain('ticketbot worker is running');
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(stderr).not.toMatch(/Error/);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
        await db.drop();
      }
    },
    60_000,
  );
});

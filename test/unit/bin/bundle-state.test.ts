// The launcher (bin/ticketbot.mjs) runs dist/ only while it is newer than what it was built from (the
// input list `npm run build` writes, the lockfile and the build script); else the sources, saying why.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { staleReason } from '../../../bin/bundle-state.mjs';
import { PROJECT_ROOT } from '../../../core/paths.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes `path` under the temporary root with `text` and its modification time `at` (seconds). */
function file(path: string, at: number, text = ''): void {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, at, at);
}

/** A project built at t=2000 from bot/main.ts and core/sla/clock.ts (t=1000). */
function builtProject(): string {
  root = mkdtempSync(join(tmpdir(), 'ticketbot-bundle-'));
  file('bot/main.ts', 1_000, "console.log('sources');\n");
  file('core/sla/clock.ts', 1_000);
  file('core/ports.ts', 1_000); // type-only: never in the bundle's inputs
  file('package-lock.json', 900);
  file('dist/bot/main.js', 2_000, "console.log('bundle');\n");
  file('dist/inputs.json', 2_000, JSON.stringify(['bot/main.ts', 'core/sla/clock.ts']));
  return join(root, 'dist');
}

describe('bundle staleness', () => {
  test('fresh until one of its inputs changes, and then says which', () => {
    const dist = builtProject();
    expect(staleReason(root, dist)).toBeNull();
    file('core/ports.ts', 3_000);
    expect(staleReason(root, dist)).toBeNull();
    file('core/sla/clock.ts', 3_000);
    expect(staleReason(root, dist)).toBe('core/sla/clock.ts changed after it');
  });

  test('an input gone, a newer lockfile or build script, or a build without an input list make it stale', () => {
    const dist = builtProject();
    rmSync(join(root, 'core/sla/clock.ts'));
    expect(staleReason(root, dist)).toBe('core/sla/clock.ts is gone');
    file('core/sla/clock.ts', 1_000);
    file('package-lock.json', 3_000);
    expect(staleReason(root, dist)).toBe('package-lock.json changed after it');
    file('package-lock.json', 900);
    file('scripts/build.mjs', 3_000);
    expect(staleReason(root, dist)).toMatch(/build\.mjs changed after it/);
    file('scripts/build.mjs', 900);
    expect(staleReason(root, dist)).toBeNull();
    rmSync(join(dist, 'inputs.json'));
    expect(staleReason(root, dist)).toMatch(/without an input list/);
  });

  test('no bundle: nothing to call stale', () => {
    root = mkdtempSync(join(tmpdir(), 'ticketbot-bundle-'));
    expect(staleReason(root, join(root, 'dist'))).toBeNull();
  });

  test('the launcher runs a fresh bundle, the sources instead of a stale one, and the bundle alone where there are no sources', () => {
    builtProject();
    for (const name of ['ticketbot.mjs', 'bundle-state.mjs']) {
      mkdirSync(join(root, 'bin'), { recursive: true });
      copyFileSync(join(PROJECT_ROOT, 'bin', name), join(root, 'bin', name));
    }
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'));
    const launch = (env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(root, 'bin', 'ticketbot.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 30_000 });

    expect(launch().stdout).toBe('bundle\n');
    file('core/sla/clock.ts', 3_000);
    const stale = launch();
    expect(stale.stdout).toBe('sources\n');
    expect(stale.stderr).toMatch(/dist\/ is out of date \(core\/sla\/clock\.ts changed after it\)/);
    expect(launch({ TICKETBOT_USE_BUNDLE: '1' }).stdout).toBe('bundle\n');
    rmSync(join(root, 'bot'), { recursive: true });
    const alone = launch();
    expect(alone.stdout).toBe('bundle\n');
    expect(alone.stderr).toBe('');
  });
});

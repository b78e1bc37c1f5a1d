import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.js';

describe('Prisma schemas', () => {
  test('both provider schemas are generated from prisma/models.prisma', () => {
    const run = spawnSync(process.execPath, ['scripts/prisma-schemas.mjs', '--check'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  test.each(['sqlite', 'postgres'])('%s: the last migration was made from the current schema (no model change without a migration)', (provider) => {
    const schema = readFileSync(join(PROJECT_ROOT, 'prisma', provider, 'schema.prisma'), 'utf8');
    const snapshot = readFileSync(join(PROJECT_ROOT, 'prisma', provider, 'migrations', 'schema.snapshot.prisma'), 'utf8');
    expect(snapshot).toBe(schema);
  });
});

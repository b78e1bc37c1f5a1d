// Generates the Prisma clients for both providers (run by `npm install`). Offline-safe: Prisma's CLI
// wants a native schema engine it would download; generation does not use it, so point it at a
// binary that exists and fails loudly if something does try to migrate with it.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
for (const name of ['sqlite', 'postgres']) {
  execFileSync(process.execPath, [cli, 'generate', '--schema', join(root, 'prisma', name, 'schema.prisma')], { cwd: root, env, stdio: 'inherit' });
}

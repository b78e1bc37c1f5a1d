// Writes prisma/<provider>/schema.prisma from prisma/models.prisma.
// `--check` exits 1 when a written schema is out of step with the source (used by tests and CI).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const providers = { sqlite: 'sqlite', postgres: 'postgresql' };

export function renderSchema(name) {
  const models = readFileSync(join(root, 'prisma/models.prisma'), 'utf8');
  return `// GENERATED from prisma/models.prisma by \`npm run db:schemas\`: edit that file instead.

generator client {
  provider            = "prisma-client"
  output              = "../../core/store/generated/${name}"
  moduleFormat        = "esm"
  importFileExtension = "js"
}

datasource db {
  provider = "${providers[name]}"
}

${models}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = false;
  for (const name of Object.keys(providers)) {
    const file = join(root, 'prisma', name, 'schema.prisma');
    const want = renderSchema(name);
    if (check) {
      let have = '';
      try {
        have = readFileSync(file, 'utf8');
      } catch {}
      if (have !== want) {
        console.error(`${file} is out of step: run npm run db:schemas`);
        stale = true;
      }
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, want);
    }
  }
  process.exit(stale ? 1 : 0);
}

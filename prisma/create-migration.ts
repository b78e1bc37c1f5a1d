// Creates a migration for both providers offline: `npm run db:migration -- <name>`.
// Prisma's CLI needs a native schema engine it cannot download here, so this drives the WASM schema
// engine directly. Each provider keeps `migrations/schema.snapshot.prisma`, the schema as of its last
// migration; the new migration is the diff from that snapshot to the current schema.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const providers = { sqlite: 'sqlite', postgres: 'postgresql' } as const;
type Provider = keyof typeof providers;

async function loadEngine(): Promise<void> {
  const wasmPath = join(dirname(fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'))), 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
}

function adapterFor(provider: Provider) {
  // The diff below compares two schemas; the engine still wants an adapter for its connector.
  return provider === 'sqlite'
    ? new PrismaBetterSqlite3({ url: ':memory:' })
    : new PrismaPg({ connectionString: process.env.DATABASE_URL_TEST ?? 'postgresql://postgres@127.0.0.1:5432/test' });
}

async function diff(provider: Provider, from: string | null, to: string): Promise<string> {
  const engine = await bg.SchemaEngine.new({ datamodels: [['schema.prisma', to]] }, () => {}, bindMigrationAwareSqlAdapterFactory(adapterFor(provider)));
  const target = (content: string) => ({ tag: 'schemaDatamodel' as const, files: [{ path: 'schema.prisma', content }] });
  const result = await engine.diff({
    from: from === null ? { tag: 'empty' } : target(from),
    to: target(to),
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  engine.free();
  return result.stdout ?? '';
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: npm run db:migration -- <snake_case_name>');
  await loadEngine();
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  for (const provider of Object.keys(providers) as Provider[]) {
    const dir = join(root, 'prisma', provider, 'migrations');
    const snapshotPath = join(dir, 'schema.snapshot.prisma');
    const current = readFileSync(join(root, 'prisma', provider, 'schema.prisma'), 'utf8');
    const previous = existsSync(snapshotPath) ? readFileSync(snapshotPath, 'utf8') : null;
    const sql = await diff(provider, previous, current);
    if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
      console.log(`${provider}: no changes`);
      continue;
    }
    const migrationDir = join(dir, `${stamp}_${name}`);
    mkdirSync(migrationDir, { recursive: true });
    writeFileSync(join(migrationDir, 'migration.sql'), sql);
    writeFileSync(snapshotPath, current);
    writeFileSync(join(dir, 'migration_lock.toml'), `# Do not edit: written by npm run db:migration\nprovider = "${providers[provider]}"\n`);
    console.log(`${provider}: wrote ${migrationDir}`);
  }
}

await main();

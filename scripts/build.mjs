// `npm run build`: bundles the bot into dist/ with esbuild, for `npm start` and `ticketbot worker`.
//
// Why a bundle: a restarted process must fire the reminders it missed within a second, and Node's ESM
// loader spends ~0.5 s resolving, reading and linking ~250 separate files before the first line of
// ticketbot runs. One file per lazily loaded part (the Slack app, triage, the knowledge base, the web
// server stay lazy: esbuild splits them into chunks) cuts that by ~0.15 s (docs/benchmarks.md).
//
// Our code and the pure-JavaScript packages read at every start are bundled: zod, yaml, prom-client,
// cli-progress, pino (its worker-thread transports are not used), Prisma's client runtime and the
// PostgreSQL driver (bundled, a worker reaches main() ~45 ms sooner: Node's loader resolves, reads and
// lexes each CommonJS file of theirs separately). Every other package stays an import from
// node_modules: native addons (better-sqlite3, hnswlib-node), packages that find their own files at run
// time (BullMQ's Lua scripts, Prisma's base64 query compiler, only read when its .wasm file is missing),
// and the large SDKs that load only when configured.
// Type-checking is `npm run typecheck`; esbuild only strips types.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { INPUTS_FILE } from '../bin/bundle-state.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist');
/** Packages our code imports that are bundled; what they import from node_modules is bundled with them. */
const BUNDLED = new Set(['zod', 'yaml', 'prom-client', 'cli-progress', '@prisma/client', '@prisma/adapter-pg', 'pg', 'pino']);
/** Never bundled, even when a bundled package imports them (native addons, optional or self-locating files). */
const NEVER = new Set(['better-sqlite3', 'pg-native', 'hnswlib-node']);
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const external = ({ path, importer }) =>
  path.startsWith('node:') ||
  NEVER.has(packageOf(path)) ||
  path.includes('.wasm-base64') ||
  (!importer.includes('/node_modules/') && !BUNDLED.has(packageOf(path)));

const started = performance.now();
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  metafile: true,
  entryPoints: { 'bot/main': 'bot/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages bundled into ESM call require() for Node's built-ins.
  banner: { js: "import { createRequire as __ticketbotRequire } from 'node:module'; const require = __ticketbotRequire(import.meta.url);" },
  plugins: [{ name: 'node-modules-external', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (args) => (external(args) ? { external: true } : undefined)) }],
  logLevel: 'warning',
});
// What the bundle was built from (our sources and the generated Prisma clients; packages follow the
// lockfile): the launcher compares these with the bundle (bin/bundle-state.mjs).
const inputs = Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules/') && !path.startsWith('<'));
writeFileSync(join(outdir, INPUTS_FILE), `${JSON.stringify(inputs.sort(), null, 1)}\n`);
console.log(`${outdir} built in ${Math.round(performance.now() - started)} ms`);

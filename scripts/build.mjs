// `npm run build`: bundles the bot into dist/ with esbuild, for `npm start` and `ticketbot worker`.
//
// Why a bundle: a restarted process must fire the reminders it missed within a second, and Node's ESM
// loader spends ~0.5 s resolving, reading and linking ~250 separate files before the first line of
// ticketbot runs. One file per lazily loaded part (the Slack app, triage, the knowledge base, the web
// server stay lazy: esbuild splits them into chunks) cuts that by ~0.15 s (docs/benchmarks.md).
//
// Our code and the pure-JavaScript packages read at every start (zod, yaml, prom-client, cli-progress)
// are bundled. Every other package stays an import from node_modules: native addons (better-sqlite3,
// hnswlib-node), packages that find their own files at run time (Prisma's engines, BullMQ's Lua scripts,
// pino's worker threads), and the large SDKs that load only when configured.
// Type-checking is `npm run typecheck`; esbuild only strips types.
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLED = new Set([
  'zod',
  'yaml',
  'prom-client',
  'tdigest',
  'bintrees',
  'cli-progress',
  'string-width',
  'strip-ansi',
  'ansi-regex',
  'emoji-regex',
  'is-fullwidth-code-point',
]);
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

export async function buildBundle(outdir = join(root, 'dist')) {
  rmSync(outdir, { recursive: true, force: true });
  return build({
    absWorkingDir: root,
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
    plugins: [
      {
        name: 'node-modules-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('node:') || !BUNDLED.has(packageOf(args.path)) ? { external: true } : undefined));
        },
      },
    ],
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildBundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`dist/ built in ${Math.round(performance.now() - started)} ms`);
}

#!/usr/bin/env node
// Runs the compiled entry point when `npm run build` has produced it and it is newer than the sources,
// else the TypeScript source through tsx (saying so when a bundle exists but is stale).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleIsStale } from './bundle-state.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'bot', 'main.js');
const stale = existsSync(built) && bundleIsStale(root, built);
if (existsSync(built) && !stale) {
  await import(pathToFileURL(built).href);
} else {
  if (stale) process.stderr.write('ticketbot: dist/ is older than the sources; running the sources (run `npm run build` to start faster)\n');
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(pathToFileURL(join(root, 'bot', 'main.ts')).href, import.meta.url);
}

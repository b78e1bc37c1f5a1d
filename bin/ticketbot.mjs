#!/usr/bin/env node
// Runs the bundle `npm run build` produced (dist/) when it is up to date, else the TypeScript sources
// through tsx, saying why. Where there are no sources (a deployment of dist/ alone), or with
// TICKETBOT_USE_BUNDLE=1, the bundle runs whatever its age.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { staleReason } from './bundle-state.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const built = join(dist, 'bot', 'main.js');
const source = join(root, 'bot', 'main.ts');
const bundled = existsSync(built);
const stale = bundled && existsSync(source) && process.env.TICKETBOT_USE_BUNDLE !== '1' ? staleReason(root, dist) : null;
if (bundled && !stale) {
  await import(pathToFileURL(built).href);
} else {
  if (stale) process.stderr.write(`ticketbot: dist/ is out of date (${stale}); running the sources. Run \`npm run build\` to start faster.\n`);
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(pathToFileURL(source).href, import.meta.url);
}

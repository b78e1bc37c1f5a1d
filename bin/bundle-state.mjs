// Whether the bundle in dist/ is older than what it was built from, so that the launcher never runs
// stale code after a source edit, a pull or an upgrade (a rebuild was easy to forget). `npm run build`
// writes the list of files esbuild read (`dist/inputs.json`: our sources and the generated Prisma
// clients); those, the lockfile (bundled packages) and the build script are compared with the bundle.
// Plain JavaScript: it runs before anything is compiled.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written by scripts/build.mjs beside the bundle: the project files the bundle was built from, relative to the root. */
export const INPUTS_FILE = 'inputs.json';
const ALSO = ['package-lock.json', join('scripts', 'build.mjs')];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Why the bundle in `distDir` (built from the project at `root`) is stale, or null when it is not: a file
 * it was built from changed after it, or is gone, or the build predates the input list.
 */
export function staleReason(root, distDir) {
  const built = mtime(join(distDir, 'bot', 'main.js'));
  if (built === null) return null;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(join(distDir, INPUTS_FILE), 'utf8'));
  } catch {
    return 'it was built without an input list (by an older build)';
  }
  for (const input of inputs) {
    const at = mtime(join(root, input));
    if (at === null) return `${input} is gone`;
    if (at > built) return `${input} changed after it`;
  }
  for (const extra of ALSO) {
    const at = mtime(join(root, extra));
    if (at !== null && at > built) return `${extra} changed after it`;
  }
  return null;
}

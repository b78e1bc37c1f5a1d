// Whether the bundle in dist/ is older than the sources it was built from, so that the launcher never
// runs stale code after a source edit (a rebuild was easy to forget). Plain JavaScript: it runs before
// anything is compiled.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Source folders bundled into dist/ (the generated Prisma clients follow prisma/models.prisma). */
const SOURCE_DIRS = ['bot', 'core', 'knowledge', 'prompts'];
const SKIP = new Set(['node_modules', 'generated']);

function newestIn(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) newest = Math.max(newest, newestIn(path));
    } else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The newest modification time (ms) of a bundled source file under `root`, or 0 when there are none. */
export function newestSourceMtime(root) {
  let newest = 0;
  for (const dir of SOURCE_DIRS) newest = Math.max(newest, newestIn(join(root, dir)));
  try {
    newest = Math.max(newest, statSync(join(root, 'prisma', 'models.prisma')).mtimeMs);
  } catch {
    // No schema beside the bundle (a deployment of dist/ alone).
  }
  return newest;
}

/** The source changed after `bundle` was built (false when the bundle is missing or there are no sources). */
export function bundleIsStale(root, bundle) {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  return newestSourceMtime(root) > built;
}

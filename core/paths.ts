import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package root (where package.json is), found from this file so it works from source and from dist/. */
export const PROJECT_ROOT = (() => {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('ticketbot: package.json not found above ' + import.meta.dirname);
    dir = up;
  }
  return dir;
})();

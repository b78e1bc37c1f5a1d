import { afterEach } from 'vitest';
import { type Database, openDatabase } from '../../core/store/database.js';
import { migrate } from '../../core/store/migrate.js';
import type { TestDatabase } from './databases.js';

/**
 * For a describe block: opens a migrated database on a fresh target, and after each test closes and
 * drops what it opened.
 */
export function migratedDatabases(): (target: TestDatabase) => Promise<Database> {
  const opened: { target: TestDatabase; database?: Database }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.database?.close();
      await o.target.drop();
    }
  });
  return async (target) => {
    const entry: { target: TestDatabase; database?: Database } = { target };
    opened.push(entry);
    await migrate(target);
    entry.database = await openDatabase(target);
    return entry.database;
  };
}

import { type Database, openDatabase, type Provider } from './database.js';
import { migrate } from './migrate.js';

export interface OpenMigratedOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean | undefined;
  /** Called with the names of the migrations applied, when there were any. */
  onApplied?: ((names: string[]) => void) | undefined;
  /** PostgreSQL: connections to open at once, ready for work that starts with several queries in parallel. */
  warmConnections?: number | undefined;
}

/**
 * Applies pending migrations and opens the database. On PostgreSQL the migration check overlaps with
 * Prisma's start (instantiating its query compiler) and with opening `warmConnections` connections: a
 * restarted worker fires the reminders it missed sooner. No query touches a table before the
 * migrations are applied. SQLite migrates first: its driver is synchronous and takes one writer.
 */
export async function openMigrated(target: { provider: Provider; url: string }, opts: OpenMigratedOptions = {}): Promise<Database> {
  const migrating = opts.migrate === false ? Promise.resolve([]) : migrate(target);
  if (target.provider === 'sqlite') {
    const applied = await migrating;
    if (applied.length) opts.onApplied?.(applied);
    return openDatabase(target);
  }
  const database = await openDatabase(target);
  const warm = Array.from({ length: opts.warmConnections ?? 0 }, () => database.db.$queryRawUnsafe('SELECT 1'));
  try {
    const [applied] = await Promise.all([migrating, database.db.$connect(), ...warm]);
    if (applied.length) opts.onApplied?.(applied);
    return database;
  } catch (error) {
    await Promise.allSettled([migrating, ...warm]);
    await database.close();
    throw error;
  }
}

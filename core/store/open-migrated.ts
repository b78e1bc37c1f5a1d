import { type Database, type OpenDatabaseOptions, openDatabase, type Provider } from './database.js';
import { migrate } from './migrate.js';

export interface OpenMigratedOptions extends OpenDatabaseOptions {
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
  if (target.provider === 'sqlite') {
    const applied = opts.migrate === false ? [] : await migrate(target);
    if (applied.length) opts.onApplied?.(applied);
    return openDatabase(target, opts);
  }
  const migrating = opts.migrate === false ? Promise.resolve([]) : migrate(target);
  // Observed at once: a fast failure (the server refusing connections) must not be an unhandled
  // rejection while Prisma's modules load; it is thrown below.
  migrating.catch(() => {});
  let database: Database;
  try {
    database = await openDatabase(target, opts);
  } catch (error) {
    await migrating.catch(() => {});
    throw error;
  }
  const starting = [database.db.$connect(), ...Array.from({ length: opts.warmConnections ?? 0 }, () => database.db.$queryRawUnsafe('SELECT 1'))];
  try {
    const [applied] = await Promise.all([migrating, ...starting]);
    if (applied.length) opts.onApplied?.(applied);
    return database;
  } catch (error) {
    await Promise.allSettled([migrating, ...starting]);
    await database.close();
    throw error;
  }
}

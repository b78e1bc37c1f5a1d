import { type AppConfig, BUNDLED_CONFIG, loadConfig } from '../../core/config.js';
import { type Database, openDatabase } from '../../core/store/database.js';
import { PrismaDirectoryStore } from '../../core/store/directory-store.js';
import { migrate } from '../../core/store/migrate.js';
import { PrismaTicketStore } from '../../core/store/ticket-store.js';
import type { TicketChanged, TicketDeps } from '../../core/tickets/deps.js';
import type { Actor } from '../../core/tickets/types.js';
import { LocalClassifier } from '../../knowledge/triage/local-classifier.js';
import type { TestDatabase } from './databases.js';

export const defaultConfig: AppConfig = loadConfig(BUNDLED_CONFIG);

/** A controllable clock: starts at a fixed instant, moves only when told. */
export function testClock(start = '2026-11-23T02:00:00.000Z') {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number): void => {
      now += ms;
    },
  };
}

export interface TestCore {
  deps: TicketDeps;
  database: Database;
  changes: TicketChanged[];
  clock: ReturnType<typeof testClock>;
  close(): Promise<void>;
}

/** The ticket core on a fresh, migrated database, wired like the app (minus HTTP). */
export async function makeCore(db: TestDatabase, config: AppConfig = defaultConfig): Promise<TestCore> {
  await migrate(db);
  const database = await openDatabase(db);
  const directory = new PrismaDirectoryStore(database.db);
  await directory.syncFromConfig(config);
  const changes: TicketChanged[] = [];
  const clock = testClock();
  const deps: TicketDeps = {
    tickets: new PrismaTicketStore(database.db),
    directory,
    config,
    classifier: LocalClassifier.train(config),
    clock: clock.now,
    onChange: (c) => {
      changes.push(c);
    },
  };
  return {
    deps,
    database,
    changes,
    clock,
    close: async () => {
      await database.close();
      await db.drop();
    },
  };
}

export const agent = (id: string, role: Actor['role'] = 'agent'): Actor => ({ role, agentId: id, name: id, platform: 'api' });
export const supervisor = agent('li', 'supervisor');

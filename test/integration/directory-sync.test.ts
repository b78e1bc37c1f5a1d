import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Database, openDatabase } from '../../core/store/database.js';
import { PrismaDirectoryStore } from '../../core/store/directory-store.js';
import { migrate } from '../../core/store/migrate.js';
import { configWith } from '../helpers/automation.js';
import { defaultConfig } from '../helpers/core.js';
import { PROVIDERS, type TestDatabase } from '../helpers/databases.js';

type Raw = Record<string, unknown> & { agents: Record<string, unknown>[]; teams: Record<string, unknown>[] };
const edit = (change: (raw: Raw) => void) => configWith((raw) => change(raw as Raw));

describe.each(PROVIDERS)('directory sync from the config on $name', (provider) => {
  let db: TestDatabase;
  let database: Database;
  let directory: PrismaDirectoryStore;

  beforeEach(async () => {
    db = await provider.fresh();
    await migrate(db);
    database = await openDatabase(db);
    directory = new PrismaDirectoryStore(database.db);
    await directory.syncFromConfig(defaultConfig);
  });
  afterEach(async () => {
    await database.close();
    await db.drop();
  });

  const updatedAts = async () => [
    ...(await database.db.team.findMany({ orderBy: { id: 'asc' } })).map((t) => t.updatedAt.getTime()),
    ...(await database.db.agent.findMany({ orderBy: { id: 'asc' } })).map((a) => a.updatedAt.getTime()),
  ];

  test('a restart with the same config writes nothing and keeps run-time duty state', async () => {
    await directory.setOnDuty('lin', false);
    const before = await updatedAts();
    const identities = await database.db.agentIdentity.findMany({ orderBy: { id: 'asc' } });
    await new Promise((r) => setTimeout(r, 5));
    await directory.syncFromConfig(defaultConfig);
    expect(await updatedAts()).toEqual(before);
    expect(await database.db.agentIdentity.findMany({ orderBy: { id: 'asc' } })).toEqual(identities);
    expect((await directory.findAgent('lin'))?.onDuty).toBe(false);
  });

  test('changed agent fields, team supervisors and identities are written; duty state survives', async () => {
    await directory.setOnDuty('lin', false);
    const config = edit((raw) => {
      const lin = raw.agents.find((a) => a.id === 'lin');
      if (!lin) throw new Error('bundled config has no lin');
      lin.maxLoad = 3;
      lin.skills = ['vip'];
      lin.identities = [{ platform: 'slack', userId: 'U0LIN' }];
      const team = raw.teams.find((t) => t.id === 'logistics');
      if (team) team.supervisor = 'li';
    });
    await directory.syncFromConfig(config);
    const lin = await directory.findAgent('lin');
    expect(lin).toMatchObject({ maxLoad: 3, skills: ['vip'], onDuty: false, active: true });
    expect((await directory.findAgentByIdentity('slack', 'U0LIN'))?.id).toBe('lin');
    expect(await directory.findAgentByIdentity('api', 'lin')).toBeNull();
    expect((await database.db.team.findUnique({ where: { id: 'logistics' } }))?.supervisorId).toBe('li');
  });

  test('an agent removed from the config is deactivated, and added back is active again', async () => {
    const without = edit((raw) => {
      raw.agents = raw.agents.filter((a) => a.id !== 'chen');
    });
    await directory.syncFromConfig(without);
    expect((await directory.findAgent('chen'))?.active).toBe(false);
    // Unchanged config now (chen already inactive): nothing to write, chen stays inactive.
    await directory.syncFromConfig(without);
    expect((await directory.findAgent('chen'))?.active).toBe(false);
    await directory.syncFromConfig(defaultConfig);
    expect((await directory.findAgent('chen'))?.active).toBe(true);
  });
});

import { afterEach, describe, expect, test } from 'vitest';
import { AutoAssigner } from '../../core/routing/auto-assign.js';
import { type Database, openDatabase } from '../../core/store/database.js';
import { PrismaDirectoryStore } from '../../core/store/directory-store.js';
import { PrismaTicketStore } from '../../core/store/ticket-store.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { configWith } from '../helpers/automation.js';
import { makeCore, type TestCore } from '../helpers/core.js';
import { freshPostgres, PG_URL } from '../helpers/databases.js';

/** After-sales staffed by two agents who take at most two tickets each, off duty until the test says. */
const config = configWith((raw) => {
  const others = (raw.agents as { team?: string; role?: string }[]).filter((a) => a.team !== 'after-sales' || a.role === 'supervisor');
  const member = (id: string) => ({ id, name: id, team: 'after-sales', languages: ['zh', 'en'], maxLoad: 2, onDuty: false });
  raw.agents = [...others, member('a1'), member('a2')];
});

// Several processes share a database only on PostgreSQL (SQLite is the single-process default).
describe.skipIf(!PG_URL)('auto-assignment from several processes on PostgreSQL', () => {
  let core: TestCore | undefined;
  let second: Database | undefined;
  afterEach(async () => {
    await second?.close();
    await core?.close();
    second = core = undefined;
  });

  test('two processes draining one queue at once never give an agent more than their max load', async () => {
    const db = await freshPostgres();
    core = await makeCore(db, config);
    for (let i = 0; i < 10; i++) {
      await intakeMessage(core.deps, {
        platform: 'web',
        platformMessageId: `q-${i}`,
        author: { platformUserId: `c-${i}` },
        text: '裙子尺码不对，想换货',
        channel: 'web',
      });
    }
    await core.deps.directory.setOnDuty('a1', true);
    await core.deps.directory.setOnDuty('a2', true);
    // The other process: its own connection to the same database.
    second = await openDatabase(db);
    const other = { ...core.deps, tickets: new PrismaTicketStore(second.db), directory: new PrismaDirectoryStore(second.db) };
    const drained = await Promise.all([new AutoAssigner(core.deps).drainTeam('after-sales'), new AutoAssigner(other).drainTeam('after-sales')]);

    expect(drained[0] + drained[1]).toBe(4);
    const loads = await core.deps.tickets.assigneeLoads({ includePending: true });
    expect(loads.get('a1')?.open).toBe(2);
    expect(loads.get('a2')?.open).toBe(2);
    expect(await core.deps.tickets.countTickets({ statuses: ['new'], teamId: 'after-sales', unassigned: true })).toBe(6);
  });
});

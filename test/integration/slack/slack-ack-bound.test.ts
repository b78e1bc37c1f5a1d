// A slow inbox write must not cost the user the command: Slack gives up on an ack after 3 s, so a record
// that takes longer than RECORD_ACK_BOUND_MS is acknowledged anyway, and the request is still worked on
// (and recorded) once the database answers. PostgreSQL, so that the test can hold the inbox table locked.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { RECORD_ACK_BOUND_MS } from '../../../bot/slack/inbox.js';
import { freshPostgres, PG_URL, type TestDatabase } from '../../helpers/databases.js';
import { FakeSlackSocket } from '../../helpers/fake-slack-socket.js';
import { eventually, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';
import { slashCommand } from '../../helpers/slack-requests.js';

/** Holds the inbox table locked (reads included) until `release`; `rows` counts from inside the lock. */
async function lockInbox(url: string): Promise<{ rows(): Promise<number>; release(): Promise<void> }> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  await lock.query('BEGIN');
  await lock.query('LOCK TABLE "InboundDelivery" IN ACCESS EXCLUSIVE MODE');
  let released = false;
  return {
    rows: async () => Number((await lock.query('SELECT count(*) AS n FROM "InboundDelivery"')).rows[0].n),
    release: async () => {
      if (released) return;
      released = true;
      await lock.query('COMMIT');
      await lock.end();
    },
  };
}

/** The ticket the command filed, once it exists. */
const filed = (s: SlackTestApp) => eventually(async () => (await s.app.database.db.ticket.findFirst({ include: { messages: true } })) ?? undefined, 15_000);
const finishedDeliveries = (s: SlackTestApp) => s.app.database.db.inboundDelivery.count({ where: { doneAt: { not: null } } });

describe.skipIf(!PG_URL)('Slack ack while the inbox write is slow', () => {
  let s: SlackTestApp;
  let db: TestDatabase;
  let socket: FakeSlackSocket | undefined;
  beforeEach(async () => {
    db = await freshPostgres();
  });
  afterEach(async () => {
    await s.close();
    await socket?.close();
    socket = undefined;
  });

  test('over HTTP: slash commands are acknowledged within the bound, also one waiting behind a stalled write, and worked on and recorded once the write goes through', async () => {
    s = await startSlackApp(db);
    const lock = await lockInbox(db.url);
    const timedPost = async (text: string, id: string) => {
      const started = performance.now();
      const res = await s.post(slashCommand({ text: `new ${text}`, userId: SLACK_USERS.customer, responseUrl: s.fake.responseUrl(id) }));
      return { status: res.status, waited: performance.now() - started };
    };
    try {
      const first = timedPost('快递一直没有更新', 'slow-1');
      // The second arrives while the first one's write is stalled: it waits behind it, not in a write of its own.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const acks = await Promise.all([first, timedPost('发票抬头开错了', 'slow-2')]);
      for (const { status, waited } of acks) {
        expect(status).toBe(200);
        expect(waited).toBeGreaterThanOrEqual(RECORD_ACK_BOUND_MS - 50);
        expect(waited).toBeLessThan(3_000);
      }
      // Acknowledged while the write still waits: nothing is recorded yet.
      expect(await lock.rows()).toBe(0);
    } finally {
      await lock.release();
    }
    await eventually(async () => (await s.app.database.db.ticket.count()) === 2 || undefined, 15_000);
    const bodies = (await s.app.database.db.message.findMany()).map((m) => m.body).join();
    expect(bodies).toContain('快递一直没有更新');
    expect(bodies).toContain('发票抬头开错了');
    await eventually(async () => (await finishedDeliveries(s)) === 2 || undefined);
  });

  test('in Socket Mode: a slash command envelope is acknowledged within the bound, and worked on and recorded once the write goes through', async () => {
    socket = await FakeSlackSocket.start();
    s = await startSlackApp(db, { env: { SLACK_APP_TOKEN: 'xapp-1-test', SLACK_SIGNING_SECRET: '' } });
    s.fake.socketUrl = socket.url;
    await s.app.slack?.start();
    await socket.waitConnected();
    const lock = await lockInbox(db.url);
    const connected = socket;
    try {
      const command = new URLSearchParams(
        slashCommand({ text: 'new 发票开错了', userId: SLACK_USERS.customer, responseUrl: s.fake.responseUrl('slow-socket') }).body,
      );
      const envelope = connected.send('slash_commands', Object.fromEntries(command));
      await new Promise((resolve) => setTimeout(resolve, RECORD_ACK_BOUND_MS - 300));
      expect(connected.acks.some((a) => a.envelope_id === envelope)).toBe(false);
      await eventually(async () => connected.acks.some((a) => a.envelope_id === envelope) || undefined, 2_000);
      expect(await lock.rows()).toBe(0);
    } finally {
      await lock.release();
    }
    expect((await filed(s)).messages.map((m) => m.body).join()).toContain('发票开错了');
    await eventually(async () => (await finishedDeliveries(s)) === 1 || undefined);
  });
});

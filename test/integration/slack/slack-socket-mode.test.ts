import pg from 'pg';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { freshPostgres, freshSqlite, PG_URL, type TestDatabase } from '../../helpers/databases.js';
import { FakeSlackSocket } from '../../helpers/fake-slack-socket.js';
import { eventually, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';

/** The app with SLACK_APP_TOKEN, connected over a WebSocket to a fake Slack Socket Mode endpoint. */
async function startInSocketMode(db: TestDatabase): Promise<{ s: SlackTestApp; socket: FakeSlackSocket; close(): Promise<void> }> {
  const socket = await FakeSlackSocket.start();
  const s = await startSlackApp(db, { env: { SLACK_APP_TOKEN: 'xapp-1-test', SLACK_SIGNING_SECRET: '' } });
  s.fake.socketUrl = socket.url;
  await s.app.slack?.start();
  await socket.waitConnected();
  return {
    s,
    socket,
    close: async () => {
      await s.close();
      await socket.close();
    },
  };
}

// Socket Mode: the same app, with SLACK_APP_TOKEN, connects out over a WebSocket instead of taking HTTP.
describe('Slack in Socket Mode', () => {
  let s: SlackTestApp;
  let socket: FakeSlackSocket;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ s, socket, close } = await startInSocketMode(freshSqlite()));
  });
  afterEach(() => close());

  test('connects through apps.connections.open with the app token, and takes a slash command', async () => {
    const open = s.fake.callsTo('apps.connections.open');
    expect(open.map((c) => c.token)).toEqual(['xapp-1-test']);
    const envelope = socket.send('slash_commands', {
      command: '/ticket',
      text: 'new The parcel has not arrived after 10 days',
      user_id: SLACK_USERS.customer,
      user_name: 'cust',
      channel_id: 'C0SOCKET',
      team_id: 'T0TEAM',
      trigger_id: 'trigger-socket-1',
      response_url: s.fake.responseUrl('socket'),
      api_app_id: 'A0APP',
    });
    await eventually(async () => socket.acks.some((a) => a.envelope_id === envelope) || undefined);
    const ticket = await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', 'command:trigger-socket-1'));
    expect(ticket.description).toBe('The parcel has not arrived after 10 days');
    const card = await s.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C0SOCKET');
    expect(JSON.stringify(card.args.blocks)).toContain(ticket.number);
  });

  test('the HTTP endpoint is not served in Socket Mode', async () => {
    const res = await fetch(`${s.base}/slack/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
  });
});

// PostgreSQL, so that the test can hold the inbox table locked while the app's record waits for it.
describe.skipIf(!PG_URL)('Slack in Socket Mode: nothing acknowledged is lost', () => {
  let s: SlackTestApp;
  let socket: FakeSlackSocket;
  let close: () => Promise<void>;
  let url = '';
  beforeEach(async () => {
    const db = await freshPostgres();
    url = db.url;
    ({ s, socket, close } = await startInSocketMode(db));
  });
  afterEach(() => close());

  const event = (eventId: string) => ({
    token: 'x',
    team_id: 'T0TEAM',
    api_app_id: 'A0APP',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1_764_000_000,
    event: { type: 'message', channel: 'C0SOCKET', user: SLACK_USERS.customer, text: '你好，在吗', ts: '1764000000.000100' },
  });
  const acked = (envelope: string) => socket.acks.some((a) => a.envelope_id === envelope);

  test('an event is acknowledged only once it is recorded; its redelivery is acknowledged and not recorded again', async () => {
    const lock = new pg.Client({ connectionString: url });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE "InboundDelivery" IN ACCESS EXCLUSIVE MODE');
      const envelope = socket.send('events_api', event('Ev0SOCKET1'));
      // Bolt alone acknowledges an event before any middleware runs: here the record comes first, and it waits.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(acked(envelope)).toBe(false);
      await lock.query('COMMIT');
      await eventually(async () => acked(envelope) || undefined);
      expect(await s.app.database.db.inboundDelivery.count({ where: { deliveryKey: 'event:Ev0SOCKET1' } })).toBe(1);
      // Worked on and marked finished (it is not replayed later).
      await eventually(async () => (await s.app.database.db.inboundDelivery.count({ where: { doneAt: { not: null } } })) === 1 || undefined);
    } finally {
      await lock.end();
    }
    const again = socket.send('events_api', event('Ev0SOCKET1'));
    await eventually(async () => acked(again) || undefined);
    expect(await s.app.database.db.inboundDelivery.count()).toBe(1);
  });
});

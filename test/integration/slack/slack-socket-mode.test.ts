import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { freshSqlite } from '../../helpers/databases.js';
import { FakeSlackSocket } from '../../helpers/fake-slack-socket.js';
import { eventually, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';

// Socket Mode: the same app, with SLACK_APP_TOKEN, connects out over a WebSocket instead of taking HTTP.
describe('Slack in Socket Mode', () => {
  let s: SlackTestApp;
  let socket: FakeSlackSocket;
  beforeEach(async () => {
    socket = await FakeSlackSocket.start();
    s = await startSlackApp(freshSqlite(), { env: { SLACK_APP_TOKEN: 'xapp-1-test', SLACK_SIGNING_SECRET: '' } });
    s.fake.socketUrl = socket.url;
    await s.app.slack?.start();
    await socket.waitConnected();
  });
  afterEach(async () => {
    await s.close();
    await socket.close();
  });

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

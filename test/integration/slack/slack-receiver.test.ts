// The HTTP receiver's contract with Slack: acknowledge first, work after; answer Slack's checks; refuse
// what cannot be read without touching anything.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { freshSqlite } from '../../helpers/databases.js';
import { eventually, SIGNING_SECRET, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';
import { slackSignature, slashCommand } from '../../helpers/slack-requests.js';

describe('Slack HTTP receiver', () => {
  let s: SlackTestApp;
  beforeEach(async () => {
    s = await startSlackApp(freshSqlite());
  });
  afterEach(async () => {
    await s.close();
  });

  test('a command is acknowledged before its listener runs, and the listener still runs after', async () => {
    const bolt = s.app.slack?.bolt;
    if (!bolt) throw new Error('Slack adapter not started');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    bolt.command('/slow', async ({ command, ack }) => {
      seen.push(`start ${command.text}`);
      await gate;
      await ack();
      seen.push(`end ${command.text}`);
    });
    const res = await s.post(slashCommand({ command: '/slow', text: 'one', userId: SLACK_USERS.lin, responseUrl: s.fake.responseUrl('slow') }));
    // Slack has its answer while the listener is still held at the gate.
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await eventually(async () => seen.includes('start one'));
    expect(seen).toEqual(['start one']);
    release();
    await s.idle();
    expect(seen).toEqual(['start one', 'end one']);
  });

  test("Slack's SSL check is answered without running anything", async () => {
    const res = await s.post({ body: new URLSearchParams({ ssl_check: '1', token: 'x' }).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    await s.idle();
    expect(s.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  test('a correctly signed body that is not JSON is refused with 400 and nothing is written', async () => {
    const res = await s.post({ body: '{"type":"event_callback",', contentType: 'application/json' });
    expect(res.status).toBe(400);
    await s.idle();
    expect(await s.app.deps.tickets.listTickets({})).toEqual([]);
    expect(s.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });
  test('the same request injected into the web framework (its route, not the fast path) is handled the same way', async () => {
    const post = slashCommand({ text: 'new 快递三天没更新了', userId: SLACK_USERS.customer, responseUrl: s.fake.responseUrl('inj') });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': post.contentType, 'x-slack-request-timestamp': String(timestamp) };
    const forged = await s.app.web.inject({ method: 'POST', url: '/slack/events', headers: { ...headers, 'x-slack-signature': 'v0=00' }, payload: post.body });
    expect(forged.statusCode).toBe(401);
    const res = await s.app.web.inject({
      method: 'POST',
      url: '/slack/events',
      headers: { ...headers, 'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, post.body) },
      payload: post.body,
    });
    expect(res.statusCode).toBe(200);
    await eventually(async () => (await s.app.deps.tickets.listTickets({})).length === 1);
    await s.idle();
    expect((await s.app.deps.tickets.listTickets({}))[0]?.description).toContain('快递三天没更新了');
  });

  test('the fast path refuses a body over 4 MB with 413, and its requests are counted in the HTTP metrics', async () => {
    const big = await fetch(`${s.base}/slack/events?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(4 * 1024 * 1024 + 1),
    });
    expect(big.status).toBe(413);
    const ok = await s.post({ body: new URLSearchParams({ ssl_check: '1', token: 'x' }).toString(), contentType: 'application/x-www-form-urlencoded' });
    expect(ok.status).toBe(200);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toMatch(/ticketbot_http_request_duration_seconds_count\{route="\/slack\/events",method="POST",status="200"\} 1/);
    expect(metrics).toMatch(/ticketbot_http_request_duration_seconds_count\{route="\/slack\/events",method="POST",status="413"\} 1/);
    expect(await s.app.deps.tickets.listTickets({})).toEqual([]);
  });
});

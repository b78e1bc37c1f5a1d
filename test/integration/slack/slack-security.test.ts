import { Writable } from 'node:stream';
import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SlackOutbound } from '../../../bot/slack/outbound.js';
import { assignTicket, claimTicket, setPriority } from '../../../core/tickets/ticket-actions.js';
import type { Actor } from '../../../core/tickets/types.js';
import { PROVIDERS } from '../../helpers/databases.js';
import { CHANNEL, cardUpdate, eventually, fileTicket, SIGNING_SECRET, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';
import { messageShortcut, slackSignature, urlVerification } from '../../helpers/slack-requests.js';

const LIN: Actor = { role: 'agent', agentId: 'lin', name: '林晓雨', platform: 'api' };

describe.each(PROVIDERS)('Slack: request signing and resilience on $name', (provider) => {
  let s: SlackTestApp;
  beforeEach(async () => {
    s = await startSlackApp(await provider.fresh());
  });
  afterEach(async () => {
    await s.close();
  });

  const shortcutFor = (text: string) => {
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text });
    return {
      ts,
      payload: messageShortcut({
        userId: SLACK_USERS.lin,
        channelId: CHANNEL,
        message: { ts, user: SLACK_USERS.customer, text },
        responseUrl: s.fake.responseUrl(ts),
      }),
    };
  };
  /** Slack calls that did something (auth.test is Bolt asking who it is). */
  const effects = () => s.fake.calls.filter((c) => c.method !== 'auth.test');

  test('a forged or mismatched signature is refused with 401 and nothing is written', async () => {
    const { payload } = shortcutFor('伪造的请求');
    const now = Math.floor(Date.now() / 1000);
    const wrongSecret = await s.post(payload, { signature: slackSignature('not-the-signing-secret', now, payload.body), timestamp: now });
    expect(wrongSecret.status).toBe(401);
    const garbage = await s.post(payload, { signature: 'v0=deadbeef' });
    expect(garbage.status).toBe(401);
    // Signed for another body.
    const other = shortcutFor('另一条消息');
    const swapped = await s.post(payload, { signature: slackSignature(SIGNING_SECRET, now, other.payload.body), timestamp: now });
    expect(swapped.status).toBe(401);
    expect(await s.app.deps.tickets.listTickets({})).toEqual([]);
    expect(effects()).toEqual([]);

    // The same request, correctly signed, is served: the refusals above were about the signature alone.
    expect((await s.post(payload)).status).toBe(200);
    await eventually(async () => (await s.app.deps.tickets.listTickets({})).length === 1);
  });

  test('a correctly signed request with a stale timestamp (6 minutes old) is refused with 401', async () => {
    const { payload } = shortcutFor('六分钟前的请求');
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await s.post(payload, { timestamp: stale, signature: slackSignature(SIGNING_SECRET, stale, payload.body) });
    expect(res.status).toBe(401);
    expect(await s.app.deps.tickets.listTickets({})).toEqual([]);
    expect(effects()).toEqual([]);
  });

  test('url_verification echoes the challenge', async () => {
    const res = await s.post(urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P'));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect(effects()).toEqual([]);
  });

  test('customer text cannot @channel or spoof links: it is escaped in the card and in notifications (mrkdwn)', async () => {
    await s.app.startWorkers();
    const f = await fileTicket(s, '<!channel> 订单丢了 <https://evil.example|点这里>');
    const card = await s.fake.waitFor('chat.postMessage', (c) => c.response.ts === f.cardTs);
    // The header is plain_text (never parsed); everything mrkdwn must carry the escaped form.
    const mrkdwn = (card.args.blocks as { type: string }[]).filter((b) => b.type !== 'header');
    for (const text of [String(card.args.text), JSON.stringify(mrkdwn)]) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://evil.example');
    }
    expect(card.args.text).toContain('&lt;!channel&gt;');
    // Assigned to zhou: he is told in a direct message (the requester is a customer), with the title escaped.
    await assignTicket(s.app.deps, f.ticket.id, { role: 'supervisor', agentId: 'li', platform: 'api' }, 'zhou');
    const dm = await s.fake.waitFor('chat.postMessage', (c) => c.args.channel === SLACK_USERS.zhou, 10_000);
    expect(dm.args.text).toContain(f.ticket.number);
    expect(dm.args.text).toContain('&lt;!channel&gt;');
    expect(dm.args.text).not.toMatch(/<!channel>|<https:/);
  });

  test('a failed card update (Slack says ratelimited) is retried after the first backoff', async () => {
    const f = await fileTicket(s, '包裹被退回了');
    s.fake.failNext('chat.update', { error: 'ratelimited' });
    await claimTicket(s.app.deps, f.ticket.id, LIN);
    const ok = await cardUpdate(s, f.cardTs, [`<@${SLACK_USERS.lin}>`, '已分配']);
    const attempts = s.fake.callsTo('chat.update').filter((c) => c.args.ts === f.cardTs);
    expect(attempts.map((c) => c.response.ok)).toEqual([false, true]);
    expect(attempts[0]?.response.error).toBe('ratelimited');
    expect(ok.at - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(JSON.stringify(s.fake.messages(CHANNEL).find((m) => m.ts === f.cardTs)?.blocks)).toContain('已分配');
  });

  test('SlackOutbound: HTTP 500s are retried on its backoff, then given up and logged; the next refresh renders the whole state', async () => {
    const f = await fileTicket(s, '付款后订单显示未支付');
    await claimTicket(s.app.deps, f.ticket.id, LIN);
    await setPriority(s.app.deps, f.ticket.id, LIN, 'P1');
    await cardUpdate(s, f.cardTs, ['已分配', '🔴 P1']);
    await s.idle();
    const logged: { level: number; msg: string; ticket?: string }[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, done) => done(void logged.push(JSON.parse(String(chunk)))) }));
    // A client without the SDK's own retries (10 over ~30 minutes on HTTP errors), so that only SlackOutbound's backoff runs.
    const client = new webApi.WebClient('xoxb-test-token', { slackApiUrl: s.fake.apiUrl, retryConfig: { retries: 0 } });
    const out = new SlackOutbound(client, s.app.deps, logger, [50, 100]);
    const updatesSince = (mark: number) => s.fake.calls.slice(mark).filter((c) => c.method === 'chat.update');

    // One failure: retried after the first delay, and the card shows the ticket as stored.
    let mark = s.fake.calls.length;
    s.fake.failNext('chat.update', { status: 500 });
    await out.refreshCards(f.ticket.id);
    const once = updatesSince(mark);
    expect(once.map((c) => c.response.ok)).toEqual([false, true]);
    expect(once[1]?.at ?? 0).toBeGreaterThanOrEqual((once[0]?.at ?? 0) + 45);
    expect(JSON.stringify(once[1]?.args.blocks)).toContain('🔴 P1');
    expect(logged).toEqual([]);

    // Every attempt fails: three attempts (one plus two retries), then one error in the log.
    mark = s.fake.calls.length;
    s.fake.failNext('chat.update', { status: 500 }, 3);
    await out.refreshCards(f.ticket.id);
    expect(updatesSince(mark).map((c) => c.response.ok)).toEqual([false, false, false]);
    expect(logged).toEqual([expect.objectContaining({ level: 50, msg: 'could not update the Slack ticket card', ticket: f.ticket.number })]);
    // Nothing is lost: the next refresh renders the whole state again.
    mark = s.fake.calls.length;
    await out.refreshCards(f.ticket.id);
    expect(updatesSince(mark).map((c) => c.response.ok)).toEqual([true]);
  });

  test('SlackOutbound: a burst of refreshes for one ticket is coalesced', async () => {
    const f = await fileTicket(s, '退货地址是哪里');
    await s.idle();
    const client = s.app.slack?.bolt.client;
    if (!client) throw new Error('Slack is off');
    const out = new SlackOutbound(client, s.app.deps, pino({ level: 'silent' }), []);
    const before = s.fake.calls.length;
    await Promise.all(Array.from({ length: 10 }, () => out.refreshCards(f.ticket.id)));
    const updates = s.fake.calls.slice(before).filter((c) => c.method === 'chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(2);
  });
});

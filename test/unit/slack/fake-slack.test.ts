import { createHmac } from 'node:crypto';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../helpers/fake-slack.js';
import { blockAction, eventCallback, messageShortcut, slackSignature, slashCommand, urlVerification, viewSubmission } from '../../helpers/slack-requests.js';

describe('FakeSlack speaks the Web API protocol to the real WebClient', () => {
  let fake: FakeSlack;
  let client: InstanceType<typeof webApi.WebClient>;

  beforeEach(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });

  afterEach(async () => {
    await fake.close();
  });

  it('answers auth.test with the bot identity and records the bearer token', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: 'T0TEAM', user_id: 'U0BOT', bot_id: 'B0BOT' });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', token: 'xoxb-test' });
  });

  it('honours custom ids', async () => {
    const other = await FakeSlack.start({ botUserId: 'U9', botId: 'B9', teamId: 'T9' });
    try {
      const c = new webApi.WebClient('xoxb-x', { slackApiUrl: other.apiUrl, retryConfig: { retries: 0 } });
      expect(await c.auth.test()).toMatchObject({ user_id: 'U9', bot_id: 'B9', team_id: 'T9' });
    } finally {
      await other.close();
    }
  });

  it('decodes blocks on chat.postMessage and assigns strictly increasing ts', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const a = await client.chat.postMessage({ channel: 'C1', text: 'first', blocks });
    const b = await client.chat.postMessage({ channel: 'C1', text: 'second' });
    expect(a.ok).toBe(true);
    expect(a.channel).toBe('C1');
    expect(a.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    expect(a.message).toMatchObject({ text: 'first', user: 'U0BOT', bot_id: 'B0BOT' });

    const [call] = fake.callsTo('chat.postMessage');
    expect(Array.isArray(call?.args['blocks'])).toBe(true);
    expect(call?.args['blocks']).toEqual(blocks);
    expect(call?.args['text']).toBe('first');
    expect(fake.messages('C1').map((m) => m['text'])).toEqual(['first', 'second']);
  });

  it('keeps ts increasing past seeded messages', async () => {
    const seeded = fake.addMessage('C1', { user: 'U1', text: 'seed', ts: '1800000000.000000' });
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'after' });
    expect(Number(posted.ts)).toBeGreaterThan(Number(seeded));
  });

  it('rejects chat.postMessage without a channel', async () => {
    await expect(client.apiCall('chat.postMessage', { text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });

  it('updates a stored message on chat.update', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'draft', blocks: [{ type: 'divider' }] });
    const ts = posted.ts ?? '';
    const res = await client.chat.update({ channel: 'C1', ts, text: 'final', blocks: [{ type: 'section', text: { type: 'plain_text', text: 'final' } }] });
    expect(res).toMatchObject({ ok: true, channel: 'C1', ts, text: 'final' });
    const [stored] = fake.messages('C1');
    expect(stored).toMatchObject({ ts, text: 'final', blocks: [{ type: 'section' }] });

    await expect(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'nope' })).rejects.toMatchObject({
      code: webApi.ErrorCode.PlatformError,
      data: { error: 'message_not_found' },
    });
  });

  it('finds seeded messages through conversations.history and conversations.replies', async () => {
    const root = fake.addMessage('C2', { user: 'U1', text: 'my order is late', ts: '1700000100.000100' });
    const other = fake.addMessage('C2', { user: 'U2', text: 'unrelated', ts: '1700000200.000100' });
    const reply1 = fake.addMessage('C2', { user: 'U3', text: 'looking', ts: '1700000150.000100', thread_ts: root });
    const { ts: reply2 } = await client.chat.postMessage({ channel: 'C2', text: 'bot reply', thread_ts: root });

    const history = await client.conversations.history({ channel: 'C2' });
    expect(history.messages?.map((m) => m.ts)).toEqual([other, root]);
    expect(history.messages?.[1]).toMatchObject({ thread_ts: root, reply_count: 2 });

    const limited = await client.conversations.history({ channel: 'C2', latest: other, inclusive: true, limit: 1 });
    expect(limited.messages?.map((m) => m.ts)).toEqual([other]);
    expect(limited.has_more).toBe(true);
    const exclusive = await client.conversations.history({ channel: 'C2', latest: other });
    expect(exclusive.messages?.map((m) => m.ts)).toEqual([root]);
    const oldest = await client.conversations.history({ channel: 'C2', oldest: root });
    expect(oldest.messages?.map((m) => m.ts)).toEqual([other]);

    const fromRoot = await client.conversations.replies({ channel: 'C2', ts: root });
    expect(fromRoot.messages?.map((m) => m.text)).toEqual(['my order is late', 'looking', 'bot reply']);
    const fromReply = await client.conversations.replies({ channel: 'C2', ts: reply1 });
    expect(fromReply.messages?.map((m) => m.ts)).toEqual([root, reply1, reply2]);

    await expect(client.conversations.history({ channel: 'CNOPE' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });

  it('serves users.info, views.*, permalinks, ephemerals and reactions', async () => {
    fake.addUser({ id: 'U1', name: 'alice', real_name: 'Alice A', tz: 'Europe/Paris' });
    expect((await client.users.info({ user: 'U1' })).user).toMatchObject({ id: 'U1', name: 'alice', real_name: 'Alice A', tz: 'Europe/Paris' });
    expect((await client.users.info({ user: 'U2' })).user).toMatchObject({ id: 'U2', name: 'u2', real_name: 'U2', tz: 'Asia/Shanghai' });

    const view = { type: 'modal' as const, callback_id: 'ticket_modal', title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    const opened = await client.views.open({ trigger_id: '1.2.3', view });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V\d+$/), callback_id: 'ticket_modal' });
    expect(fake.callsTo('views.open')[0]?.args['view']).toEqual(view);

    const link = await client.chat.getPermalink({ channel: 'C1', message_ts: '1700000000.000100' });
    expect(link.permalink).toBe('https://fake.slack/archives/C1/p1700000000000100');
    expect((await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'psst' })).message_ts).toBeTruthy();
    expect((await client.reactions.add({ channel: 'C1', timestamp: '1700000000.000100', name: 'eyes' })).ok).toBe(true);
  });

  it('fails the next calls on demand', async () => {
    fake.failNext('chat.postMessage', { error: 'not_in_channel' }, 2);
    for (let i = 0; i < 2; i++) {
      await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
        code: webApi.ErrorCode.PlatformError,
        data: { ok: false, error: 'not_in_channel' },
      });
    }
    expect((await client.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
    expect(fake.messages('C1')).toHaveLength(1);

    fake.failNext('auth.test', { status: 500 });
    await expect(client.auth.test()).rejects.toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 500 });
    expect(fake.callsTo('auth.test')).toHaveLength(1);
  });

  it('answers 429 with Retry-After: 0 so a retrying client succeeds', async () => {
    const retrying = new webApi.WebClient('xoxb-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    fake.failNext('auth.test', { status: 429 });
    expect((await retrying.auth.test()).ok).toBe(true);
    expect(fake.callsTo('auth.test').map((c) => c.response['ok'])).toEqual([false, true]);
  });

  it('records unknown methods', async () => {
    await expect(client.apiCall('bogus.method', { foo: 'bar' })).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    expect(fake.calls.at(-1)).toMatchObject({ method: 'bogus.method', args: { foo: 'bar' } });
  });

  it('decodes JSON, multipart and token-in-form requests', async () => {
    await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ channel: 'C1', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    await fetch(`${fake.apiUrl}chat.postMessage`, { method: 'POST', body: new URLSearchParams({ token: 'xoxb-form', channel: 'C1', text: '[not json' }) });
    await expect(client.apiCall('custom.upload', { file: Buffer.from('abc'), meta: { a: 1 } })).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    const [json, form, upload] = fake.calls;
    expect(json).toMatchObject({ token: 'xoxb-json', args: { channel: 'C1', blocks: [{ type: 'divider' }] } });
    expect(form).toMatchObject({ token: 'xoxb-form', args: { channel: 'C1', text: '[not json' } });
    expect(form?.args).not.toHaveProperty('token');
    expect(upload).toMatchObject({ token: 'xoxb-test', args: { file: { size: 3 }, meta: { a: 1 } } });
  });

  it('records response_url posts', async () => {
    const url = fake.responseUrl('cmd-1');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', response_type: 'ephemeral' }),
    });
    expect(res.status).toBe(200);
    expect(fake.callsTo('response_url')).toEqual([
      expect.objectContaining({ method: 'response_url', args: { text: 'done', response_type: 'ephemeral', _id: 'cmd-1' } }),
    ]);
  });

  it('waitFor resolves for past and future calls and rejects on timeout', async () => {
    await client.auth.test();
    await expect(fake.waitFor('auth.test')).resolves.toMatchObject({ method: 'auth.test' });

    const pending = fake.waitFor('chat.postMessage', (c) => c.args['text'] === 'second');
    await client.chat.postMessage({ channel: 'C1', text: 'first' });
    await client.chat.postMessage({ channel: 'C1', text: 'second' });
    await expect(pending).resolves.toMatchObject({ args: { channel: 'C1', text: 'second' } });

    await expect(fake.waitFor('views.open', undefined, 50)).rejects.toThrow(/views\.open.*auth\.test, chat\.postMessage, chat\.postMessage/);
  });
});

describe('slack request helpers', () => {
  it('signs like Slack', () => {
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const timestamp = 1531420618;
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather';
    const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    expect(slackSignature(secret, timestamp, body)).toBe(expected);
    expect(slackSignature(secret, timestamp, `${body}x`)).not.toBe(expected);
  });

  it('builds a slash command form body', () => {
    const post = slashCommand({ text: 'new order late', userId: 'U1', responseUrl: 'http://x/response/1' });
    expect(post.contentType).toBe('application/x-www-form-urlencoded');
    const f = Object.fromEntries(new URLSearchParams(post.body));
    expect(f).toMatchObject({
      team_id: 'T0TEAM',
      channel_id: 'C0SUPPORT',
      user_id: 'U1',
      user_name: 'u1',
      command: '/ticket',
      text: 'new order late',
      api_app_id: 'A0APP',
      response_url: 'http://x/response/1',
    });
    for (const key of ['token', 'team_domain', 'channel_name', 'trigger_id']) expect(f[key]).toBeTruthy();
  });

  function payloadOf(body: string): Record<string, unknown> {
    return JSON.parse(new URLSearchParams(body).get('payload') ?? 'null') as Record<string, unknown>;
  }

  it('builds a message shortcut payload', () => {
    const post = messageShortcut({
      userId: 'U1',
      message: { ts: '1700000000.000100', user: 'U2', text: 'help', thread_ts: '1700000000.000001' },
      responseUrl: 'http://x/r',
    });
    expect(payloadOf(post.body)).toMatchObject({
      type: 'message_action',
      callback_id: 'create_ticket',
      team: { id: 'T0TEAM' },
      channel: { id: 'C0SUPPORT' },
      user: { id: 'U1', team_id: 'T0TEAM' },
      message: { type: 'message', user: 'U2', ts: '1700000000.000100', text: 'help', thread_ts: '1700000000.000001' },
      message_ts: '1700000000.000100',
      response_url: 'http://x/r',
      trigger_id: expect.any(String),
      action_ts: expect.any(String),
      token: expect.any(String),
    });
  });

  it('builds block actions of the implied element type', () => {
    const button = payloadOf(
      blockAction({ actionId: 'claim', value: 'T-000001', userId: 'U1', messageTs: '1.000002', threadTs: '1.000001', responseUrl: 'http://x/r' }).body,
    );
    expect(button).toMatchObject({
      type: 'block_actions',
      api_app_id: 'A0APP',
      container: { type: 'message', message_ts: '1.000002', channel_id: 'C0SUPPORT', is_ephemeral: false },
      channel: { id: 'C0SUPPORT' },
      message: { ts: '1.000002', thread_ts: '1.000001' },
      actions: [{ type: 'button', action_id: 'claim', value: 'T-000001' }],
      response_url: 'http://x/r',
    });
    const select = payloadOf(blockAction({ actionId: 'prio', selectedOption: 'P1', userId: 'U1', responseUrl: 'http://x/r' }).body);
    expect(select['actions']).toMatchObject([{ type: 'static_select', selected_option: { value: 'P1' } }]);
    const user = payloadOf(blockAction({ actionId: 'assign', selectedUser: 'U7', userId: 'U1', responseUrl: 'http://x/r' }).body);
    expect(user['actions']).toMatchObject([{ type: 'users_select', selected_user: 'U7' }]);
  });

  it('builds view submissions, event callbacks and url verification', () => {
    const values = { subject: { input: { type: 'plain_text_input', value: 'Late parcel' } } };
    const sub = payloadOf(viewSubmission({ callbackId: 'ticket_modal', userId: 'U1', privateMetadata: '{"c":"C1"}', values }).body);
    expect(sub).toMatchObject({
      type: 'view_submission',
      view: { callback_id: 'ticket_modal', private_metadata: '{"c":"C1"}', state: { values } },
      user: { id: 'U1' },
    });

    const ev = eventCallback({ type: 'app_mention', user: 'U1', text: '<@U0BOT> hi', channel: 'C1', ts: '1.000001' });
    expect(ev.contentType).toBe('application/json');
    const evBody = JSON.parse(ev.body) as Record<string, unknown>;
    expect(evBody).toMatchObject({
      type: 'event_callback',
      team_id: 'T0TEAM',
      api_app_id: 'A0APP',
      event: { type: 'app_mention' },
      event_id: expect.stringMatching(/^Ev/),
      authorizations: [{ team_id: 'T0TEAM', user_id: 'U0BOT', is_bot: true }],
    });
    expect(JSON.parse(eventCallback({ type: 'message' }).body).event_id).not.toBe(evBody['event_id']);

    expect(JSON.parse(urlVerification('abc').body)).toMatchObject({ type: 'url_verification', challenge: 'abc' });
  });
});

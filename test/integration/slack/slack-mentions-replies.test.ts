import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ACTION } from '../../../bot/slack/render.js';
import { freshSqlite } from '../../helpers/databases.js';
import { CHANNEL, cardUpdate, ephemeralTo, eventually, fileTicket, SLACK_USERS, type SlackTestApp, startSlackApp, ticketNow } from '../../helpers/slack-app.js';
import { blockAction, eventCallback } from '../../helpers/slack-requests.js';

// Mentions in a ticket's thread, replies sent from suggestions, and the bot's Slack identity.
describe('Slack: mentions, suggested replies, identity', () => {
  let s: SlackTestApp;
  beforeEach(async () => {
    s = await startSlackApp(freshSqlite());
  });
  afterEach(async () => {
    await s.close();
  });

  const mention = (user: string, text: string, threadTs: string) => {
    const ts = s.fake.addMessage(CHANNEL, { user, text: `<@U0BOT> ${text}`, thread_ts: threadTs });
    return s
      .post(eventCallback({ type: 'app_mention', user, text: `<@U0BOT> ${text}`, ts, thread_ts: threadTs, channel: CHANNEL, event_ts: ts }))
      .then(() => ts);
  };

  test('a staff command naming another user keeps that mention: @ticketbot assign @zhou', async () => {
    const { ticket, threadTs } = await fileTicket(s, '快递三天没有更新');
    await mention(SLACK_USERS.li, `assign <@${SLACK_USERS.zhou}>`, threadTs);
    await eventually(async () => (await ticketNow(s, ticket.id)).assigneeId === 'zhou');
    expect((await s.app.deps.tickets.listMessages(ticket.id, { includeInternal: true })).map((m) => m.body).join()).not.toContain('assign');
  });

  test('a mention command redelivered by Slack (same event_id, X-Slack-Retry-Num) runs once and answers once', async () => {
    const { ticket, threadTs } = await fileTicket(s, '快递三天没有更新');
    const text = `<@U0BOT> assign <@${SLACK_USERS.zhou}>`;
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.li, text, thread_ts: threadTs });
    const delivery = eventCallback(
      { type: 'app_mention', user: SLACK_USERS.li, text, ts, thread_ts: threadTs, channel: CHANNEL, event_ts: ts },
      { eventId: 'Ev0MENTION01' },
    );
    expect((await s.post(delivery)).status).toBe(200);
    expect((await s.post(delivery, { retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    await eventually(async () => (await ticketNow(s, ticket.id)).assigneeId === 'zhou');
    await s.idle();
    const answers = s.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === SLACK_USERS.li);
    expect(answers).toHaveLength(1);
    const assignments = (await s.app.deps.tickets.listEvents(ticket.id)).filter((e) => e.action === 'assign');
    expect(assignments).toHaveLength(1);
  });

  test('an internal note by mention is refused: the mention itself is visible in the thread', async () => {
    const { ticket, threadTs } = await fileTicket(s, '快递三天没有更新');
    await mention(SLACK_USERS.lin, 'note customer is a reseller', threadTs);
    await ephemeralTo(s, SLACK_USERS.lin, (text) => text.includes('内部备注') || text.includes('Note'));
    expect((await s.app.deps.tickets.listMessages(ticket.id, { includeInternal: true })).map((m) => m.body).join()).not.toContain('reseller');
  });

  test("a customer's mention is their message, never a command: '@ticketbot close my account' closes nothing", async () => {
    const { ticket, threadTs } = await fileTicket(s, 'I cannot log in');
    const ts = await mention(SLACK_USERS.customer, 'close my account please', threadTs);
    await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${ts}`));
    expect((await ticketNow(s, ticket.id)).status).toBe('new');
  });

  test('Send posts the suggestion the agent read, once, however often it is clicked; without a draft it refuses', async () => {
    const { ticket, threadTs, cardTs } = await fileTicket(s, 'How long do refunds take?');
    const value = JSON.stringify({ t: ticket.id, r: 'Refunds arrive within 3-5 working days.' });
    const click = () =>
      s.post(
        blockAction({
          actionId: ACTION.sendReply,
          value,
          userId: SLACK_USERS.lin,
          channelId: CHANNEL,
          messageTs: '1700000099.000100',
          threadTs,
          responseUrl: s.fake.responseUrl('send'),
        }),
      );
    await Promise.all([click(), click()]);
    await click();
    await eventually(async () => (await ticketNow(s, ticket.id)).firstResponseAt !== null);
    await s.fake.waitFor('response_url', (c) => c.args._id === 'send' && c.args.delete_original === true);
    const replies = s.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === threadTs && String(c.args.text).includes('3-5 working days'));
    expect(replies).toHaveLength(1);
    // Nothing carried and nothing remembered: refuse rather than write a new reply unseen.
    await s.post(
      blockAction({
        actionId: ACTION.sendReply,
        value: String(ticket.id),
        userId: SLACK_USERS.lin,
        channelId: CHANNEL,
        messageTs: cardTs,
        threadTs,
        responseUrl: s.fake.responseUrl('send2'),
      }),
    );
    await ephemeralTo(s, SLACK_USERS.lin, (text) => text.includes('推荐回复') || text.includes('Suggest reply'));
  });

  test("the card shows triage's confidence, then who changed the priority", async () => {
    const { ticket, threadTs, cardTs } = await fileTicket(s, '衣服有破洞，要求退款！！');
    const posted = s.fake.callsTo('chat.postMessage').find((c) => c.response.ts === cardTs);
    const confidence = Math.round((ticket.triageConfidence ?? -1) * 100);
    expect(confidence).toBeGreaterThan(0);
    expect(JSON.stringify(posted?.args.blocks)).toContain(`AI 判断 ${confidence}%`);
    await s.post(
      blockAction({
        actionId: ACTION.priority,
        selectedOption: `${ticket.id}:P1`,
        userId: SLACK_USERS.lin,
        channelId: CHANNEL,
        messageTs: cardTs,
        threadTs,
        responseUrl: s.fake.responseUrl('p'),
      }),
    );
    const lin = s.app.config.agents.find((a) => a.id === 'lin')?.name ?? 'lin';
    await cardUpdate(s, cardTs, ['P1', `${lin} 修改`]);
  });

  test('a customer cannot open the note modal', async () => {
    const { ticket, threadTs, cardTs } = await fileTicket(s, 'Where is my parcel');
    await s.post(
      blockAction({
        actionId: ACTION.note,
        value: String(ticket.id),
        userId: SLACK_USERS.customer,
        channelId: CHANNEL,
        messageTs: cardTs,
        threadTs,
        responseUrl: s.fake.responseUrl('n'),
      }),
    );
    await ephemeralTo(s, SLACK_USERS.customer);
    expect(s.fake.callsTo('views.open')).toEqual([]);
  });

  test('auth.test failing once does not take Slack down: the next request authorizes again', async () => {
    s.fake.failNext('auth.test', { error: 'service_unavailable' });
    const first = await fileTicketOrNull();
    expect(first).toBeNull();
    const { ticket } = await fileTicket(s, 'Second try works');
    expect(ticket.number).toMatch(/^T-/);
    expect(s.fake.callsTo('auth.test').length).toBeGreaterThanOrEqual(2);
  });

  async function fileTicketOrNull() {
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: 'First try' });
    const res = await s.post(
      eventCallback({ type: 'reaction_added', user: SLACK_USERS.lin, reaction: 'ticket', item: { type: 'message', channel: CHANNEL, ts }, event_ts: ts }),
    );
    // Bolt acks events before authorizing; the failed authorization drops this one.
    expect(res.status).toBe(200);
    await s.fake.waitFor('auth.test');
    await new Promise((r) => setTimeout(r, 200));
    return s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${ts}`);
  }
});

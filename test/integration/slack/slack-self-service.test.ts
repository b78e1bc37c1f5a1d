import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEMO_KB } from '../../../bot/cli-kb.js';
import { ACTION } from '../../../bot/slack/render.js';
import { freshSqlite } from '../../helpers/databases.js';
import { CHANNEL, ephemeralTo, eventually, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';
import { blockAction, eventCallback } from '../../helpers/slack-requests.js';
import { http } from '../../helpers/web.js';

// A customer's question to @ticketbot: answered from the FAQ when retrieval is confident, else a ticket.
describe('Slack: self-service answers', () => {
  let s: SlackTestApp;
  beforeEach(async () => {
    s = await startSlackApp(freshSqlite(), { configure: (raw) => Object.assign(raw, { autoAnswer: { enabled: true, threshold: 0.5 } }) });
    await s.app.kb.ingest(DEMO_KB);
  });
  afterEach(async () => {
    await s.close();
  });

  /** The customer asks at the top level of the channel; returns the question's ts. */
  const ask = async (text: string, user: string = SLACK_USERS.customer) => {
    const said = `<@U0BOT> ${text}`;
    const ts = s.fake.addMessage(CHANNEL, { user, text: said });
    await s.post(eventCallback({ type: 'app_mention', user, text: said, ts, channel: CHANNEL, event_ts: ts }));
    return ts;
  };
  const answerIn = (ts: string) =>
    s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts && JSON.stringify(c.args.blocks ?? '').includes(ACTION.answerHuman));
  const click = (actionId: string, userId: string, answer: { ts: string; thread: string; value: string; blocks: unknown[] }) =>
    s.post(
      blockAction({
        actionId,
        value: answer.value,
        userId,
        channelId: CHANNEL,
        messageTs: answer.ts,
        threadTs: answer.thread,
        messageBlocks: answer.blocks,
        responseUrl: s.fake.responseUrl(`a-${actionId}-${userId}`),
      }),
    );
  /** The answer posted in the question's thread, as a later click carries it. */
  async function answered(ts: string) {
    const posted = await answerIn(ts);
    const blocks = posted.args.blocks as { type: string; elements?: { value?: string }[] }[];
    const value = blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value ?? '';
    return { ts: String(posted.response.ts), thread: ts, value, blocks, text: String(posted.args.text) };
  }
  const cardIn = (ts: string) => s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts && JSON.stringify(c.args.blocks ?? '').includes('tb_claim'));

  test('a confident match is answered in the thread; only the asker can ask for a person, which files the question with its card, once', async () => {
    const question = await ask('退款多久到账？');
    const answer = await answered(question);
    expect(answer.text).toContain('退款');
    expect(JSON.stringify(answer.blocks)).toContain('常见问题');
    expect(await s.app.deps.tickets.countTickets({})).toBe(0);
    const [log] = await s.app.database.db.autoAnswerLog.findMany();
    expect(log).toMatchObject({ platform: 'slack', customerRef: SLACK_USERS.customer, answered: true, ticketId: null });

    // Someone else cannot choose for the customer.
    await click(ACTION.answerHuman, SLACK_USERS.lin, answer);
    await ephemeralTo(s, SLACK_USERS.lin, (text) => text.includes('只有提问的人'));
    expect(await s.app.deps.tickets.countTickets({})).toBe(0);

    await click(ACTION.answerHuman, SLACK_USERS.customer, answer);
    await cardIn(question);
    const update = await s.fake.waitFor('chat.update', (c) => c.args.ts === answer.ts);
    const shown = JSON.stringify(update.args.blocks);
    expect(shown).toContain('T-000001');
    expect(shown).not.toContain(ACTION.answerHuman);
    expect(shown).toContain(answer.text.slice(0, 10)); // the answer stays readable
    const ticket = await s.app.deps.tickets.findTicketByConversation({
      platform: 'slack',
      workspaceId: 'T0TEAM',
      channelId: CHANNEL,
      threadId: question,
      messageId: '',
    });
    expect(ticket).toMatchObject({ number: 'T-000001', description: '退款多久到账？' });
    expect(await s.app.database.db.autoAnswerLog.findFirst()).toMatchObject({ feedback: 'not_helpful', ticketId: ticket?.id });

    await click(ACTION.answerHuman, SLACK_USERS.customer, answer);
    await s.idle();
    expect(await s.app.deps.tickets.countTickets({})).toBe(1);
    expect(s.fake.callsTo('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? '').includes('tb_claim'))).toHaveLength(1);
  });

  test('"that solved it" is logged and thanked; no ticket', async () => {
    const question = await ask('How long does a refund take?');
    const answer = await answered(question);
    await click(ACTION.answerSolved, SLACK_USERS.customer, answer);
    const update = await s.fake.waitFor('chat.update', (c) => c.args.ts === answer.ts);
    expect(String(update.args.text)).toContain('Glad it helped');
    await eventually(async () => (await s.app.database.db.autoAnswerLog.findFirst())?.feedback === 'helpful');
    expect(await s.app.deps.tickets.countTickets({})).toBe(0);
  });

  test('a question the FAQ cannot answer is filed at once, linked to its thread, and the decision logged', async () => {
    const question = await ask('你们公司招不招仓库兼职，周末能去吗');
    await cardIn(question);
    await s.idle();
    expect(s.fake.callsTo('chat.postMessage').some((c) => JSON.stringify(c.args.blocks ?? '').includes(ACTION.answerHuman))).toBe(false);
    const [log] = await s.app.database.db.autoAnswerLog.findMany();
    expect(log).toMatchObject({ answered: false, ticketId: 1 });
  });

  test('staff asking the bot at the top level file a ticket as before, never an automatic answer', async () => {
    const question = await ask('退款多久到账？', SLACK_USERS.lin);
    await cardIn(question);
    await s.idle();
    expect(await s.app.database.db.autoAnswerLog.count()).toBe(0);
  });

  test("the asker writing on under the answer goes to a person: the question is filed as the thread's ticket and the message kept", async () => {
    const question = await ask('退款多久到账？');
    await answered(question);
    // Someone else writing in that thread is chatter, as in any thread without a ticket.
    const other = s.fake.addMessage(CHANNEL, { user: 'U0OTHER', text: '我也想知道', thread_ts: question });
    await s.post(eventCallback({ type: 'message', user: 'U0OTHER', text: '我也想知道', ts: other, thread_ts: question, channel: CHANNEL }));
    await s.idle();
    expect(await s.app.deps.tickets.countTickets({})).toBe(0);
    const more = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '我的订单 SO20261123-01 已经十天了', thread_ts: question });
    await s.post(
      eventCallback({
        type: 'message',
        user: SLACK_USERS.customer,
        text: '我的订单 SO20261123-01 已经十天了',
        ts: more,
        thread_ts: question,
        channel: CHANNEL,
      }),
    );
    await cardIn(question);
    const ticket = await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${more}`));
    expect(ticket.description).toBe('退款多久到账？');
    const bodies = (await s.app.deps.tickets.listMessages(ticket.id, { includeInternal: false })).map((m) => m.body);
    expect(bodies).toEqual(['退款多久到账？', '我的订单 SO20261123-01 已经十天了']);
  });

  test('if the answer cannot be posted, the question is filed so that a person answers it', async () => {
    s.fake.failNext('chat.postMessage', { error: 'fatal_error' });
    const question = await ask('退款多久到账？');
    await cardIn(question);
    const [log] = await s.app.database.db.autoAnswerLog.findMany();
    expect(log?.answered).toBe(true);
    expect(await s.app.deps.tickets.countTickets({})).toBe(1);
  });

  test("a Slack customer's question cannot be given feedback through the web API, even with their Slack id", async () => {
    const question = await ask('退款多久到账？');
    const answer = await answered(question);
    const logId = Number(answer.value.split(':')[0]);
    const res = await http(s.base, 'POST', `/api/answers/${logId}/feedback`, { json: { helpful: false, customer: { id: SLACK_USERS.customer } } });
    expect(res.status).toBe(400);
    expect(await s.app.deps.tickets.countTickets({})).toBe(0);
  });
});

import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { closeTicket } from '../../../core/tickets/ticket-actions.js';
import { PROVIDERS } from '../../helpers/databases.js';
import { CHANNEL, eventually, responded, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';
import { eventCallback, messageShortcut, slashCommand } from '../../helpers/slack-requests.js';

const reaction = (ts: string, user: string = SLACK_USERS.lin, emoji = 'ticket') => ({
  type: 'reaction_added',
  user,
  reaction: emoji,
  item: { type: 'message', channel: CHANNEL, ts },
  item_user: SLACK_USERS.customer,
  event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
});

describe.each(PROVIDERS)('Slack: creating tickets on $name', (provider) => {
  let s: SlackTestApp;
  beforeEach(async () => {
    s = await startSlackApp(await provider.fresh());
  });
  afterEach(async () => {
    await s.close();
  });

  const tickets = () => s.app.deps.tickets.listTickets({});
  const linksOf = async (id: number) => s.app.deps.tickets.listConversations(id, 'slack');
  /** The bot's cards (messages carrying the Claim button) posted so far. */
  const cards = () => s.fake.callsTo('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? '').includes('tb_claim'));
  const shortcut = (ts: string, text: string, id: string, user: string = SLACK_USERS.lin) =>
    s.post(messageShortcut({ userId: user, channelId: CHANNEL, message: { ts, user: SLACK_USERS.customer, text }, responseUrl: s.fake.responseUrl(id) }));

  test('message shortcut: the message becomes a ticket linked to its thread, and the card is posted in that thread', async () => {
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '我买的外套有破洞，订单 20261101001，想退货' });
    const res = await s.post(
      messageShortcut({
        userId: SLACK_USERS.lin,
        channelId: CHANNEL,
        message: { ts, user: SLACK_USERS.customer, text: '我买的外套有破洞，订单 20261101001，想退货' },
        responseUrl: s.fake.responseUrl('sc1'),
      }),
    );
    expect(res.status).toBe(200);
    const card = await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts);
    const [ticket] = await tickets();
    expect(ticket).toBeDefined();
    expect(JSON.stringify(card.args.blocks)).toContain(ticket?.number);
    const linked = await eventually(async () => {
      const rows = await s.app.deps.tickets.listConversations(ticket?.id ?? 0, 'slack');
      return rows[0]?.cardMessageId ? rows : undefined;
    });
    expect(linked).toEqual([expect.objectContaining({ channelId: CHANNEL, threadId: ts, cardMessageId: card.response.ts })]);
  });

  test('the ticket reaction on a top-level message files it, with the card in its thread; another emoji does nothing', async () => {
    const other = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '谢谢，已经收到了' });
    expect((await s.post(eventCallback(reaction(other, SLACK_USERS.lin, 'thumbsup')))).status).toBe(200);
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '快递显示签收了但我没收到，订单 123456789012' });
    expect((await s.post(eventCallback(reaction(ts)))).status).toBe(200);
    const card = await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts);
    const [ticket, ...more] = await eventually(async () => ((await tickets()).length ? tickets() : undefined));
    expect(more).toEqual([]);
    expect(ticket?.description).toContain('签收了但我没收到');
    expect(JSON.stringify(card.args.blocks)).toContain(ticket?.number);
    const messages = await s.app.deps.tickets.listMessages(ticket?.id ?? 0, { includeInternal: true });
    expect(messages).toEqual([expect.objectContaining({ authorKind: 'customer', platformMessageId: `${CHANNEL}:${ts}` })]);
    await eventually(async () => (await linksOf(ticket?.id ?? 0))[0]?.cardMessageId === card.response.ts);
    // The other emoji on the first message: no card in its thread, and no second ticket.
    expect(s.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === other)).toEqual([]);
    expect(await s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${other}`)).toBeNull();
    expect(s.fake.callsTo('conversations.history').map((c) => c.args.latest)).toEqual([ts]);
  });

  test('the ticket reaction on a thread reply files that reply (not the root), linked to the thread', async () => {
    const root = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.zhou, text: '今天的发货批次已经出库' });
    s.fake.addMessage(CHANNEL, { user: SLACK_USERS.zhou, text: '第一批已交给顺丰', thread_ts: root });
    const reply = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '我的包裹少了一件，订单 123456789012', thread_ts: root });
    await s.post(eventCallback(reaction(reply)));
    const card = await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === root);
    const ticket = await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${reply}`));
    expect(ticket.description).toBe('我的包裹少了一件，订单 123456789012');
    expect(JSON.stringify(card.args.blocks)).toContain(ticket.number);
    await eventually(async () => (await linksOf(ticket.id))[0]?.cardMessageId === card.response.ts);
    expect(await linksOf(ticket.id)).toEqual([expect.objectContaining({ threadId: root, cardMessageId: card.response.ts })]);
  });

  test('/ticket new: the card is posted top-level, the ticket is linked to its thread, and the response_url hears "created"', async () => {
    const res = await s.post(
      slashCommand({ text: '新建 退款申请了五天还没到账', userId: SLACK_USERS.customer, channelId: CHANNEL, responseUrl: s.fake.responseUrl('new1') }),
    );
    expect(res.status).toBe(200);
    const card = await s.fake.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL && JSON.stringify(c.args.blocks ?? '').includes('tb_claim'));
    expect(card.args.thread_ts).toBeUndefined();
    const answer = await responded(s, 'new1');
    const [ticket] = await tickets();
    expect(ticket?.description).toBe('退款申请了五天还没到账');
    expect(answer).toEqual({ text: expect.stringContaining(`已创建工单 ${ticket?.number}`), responseType: 'ephemeral' });
    await eventually(async () => (await linksOf(ticket?.id ?? 0))[0]?.cardMessageId);
    expect(await linksOf(ticket?.id ?? 0)).toEqual([
      expect.objectContaining({ channelId: CHANNEL, threadId: card.response.ts, cardMessageId: card.response.ts }),
    ]);
    // The English form answers in English.
    await s.post(slashCommand({ text: 'new my parcel is lost', userId: SLACK_USERS.customer, channelId: CHANNEL, responseUrl: s.fake.responseUrl('new2') }));
    expect((await responded(s, 'new2')).text).toMatch(/^Created ticket T-\d+/);
    await eventually(async () => (await tickets()).length === 2);
  });

  test('@mention in a thread without a ticket files the thread root message', async () => {
    const root = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '发票抬头开错了，需要重开，订单 123456789012' });
    const mention = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.lin, text: '<@U0BOT> 帮忙建个单', thread_ts: root });
    await s.post(
      eventCallback({
        type: 'app_mention',
        user: SLACK_USERS.lin,
        text: '<@U0BOT> 帮忙建个单',
        ts: mention,
        thread_ts: root,
        channel: CHANNEL,
        event_ts: mention,
      }),
    );
    const card = await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === root);
    const ticket = await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${root}`));
    expect(ticket.description).toBe('发票抬头开错了，需要重开，订单 123456789012');
    expect(JSON.stringify(card.args.blocks)).toContain(ticket.number);
    expect(await tickets()).toHaveLength(1);
  });

  test("@mention in a closed ticket's thread files the mention as a follow-up ticket", async () => {
    const text = '裤子短了一截，想换货';
    const root = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text });
    await shortcut(root, text, 'closed1');
    const first = await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${root}`));
    await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === root);
    await closeTicket(s.app.deps, first.id, { role: 'supervisor', agentId: 'li', platform: 'api' });
    const said = '<@U0BOT> 客户说换回来的还是不合适';
    const mention = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.lin, text: said, thread_ts: root });
    await s.post(eventCallback({ type: 'app_mention', user: SLACK_USERS.lin, text: said, ts: mention, thread_ts: root, channel: CHANNEL, event_ts: mention }));
    const followUp = await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${mention}`));
    expect(followUp.id).not.toBe(first.id);
    expect(followUp.description).toBe('客户说换回来的还是不合适');
    const card = await s.fake.waitFor('chat.postMessage', (c) => JSON.stringify(c.args.blocks).includes(followUp.number));
    expect(card.args.thread_ts).toBe(root);
    const links = await eventually(async () => {
      const rows = await s.app.deps.tickets.listConversations(followUp.id, 'slack');
      return rows[0]?.cardMessageId ? rows : undefined;
    });
    expect(links).toEqual([expect.objectContaining({ threadId: root, cardMessageId: card.response.ts })]);
    expect(s.fake.callsTo('chat.postEphemeral')).toEqual([]);
    // The closed ticket's card was not redrawn as the follow-up.
    await s.idle();
    expect(JSON.stringify(s.fake.callsTo('chat.update'))).not.toContain(followUp.number);
  });

  test('the same message twice by shortcut, then by reaction: one ticket, and the later requests hear "already"', async () => {
    const text = '收到的鞋子尺码不对，想换大一码';
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text });
    await shortcut(ts, text, 'twice1');
    await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts);
    const [ticket] = await eventually(async () => ((await tickets()).length ? tickets() : undefined));
    await shortcut(ts, text, 'twice2', SLACK_USERS.zhou);
    const again = await s.fake.waitFor('chat.postEphemeral', (c) => c.args.user === SLACK_USERS.zhou);
    expect(again.args.text).toBe(`这条消息已经是工单 ${ticket?.number}。`);
    await s.post(eventCallback(reaction(ts, SLACK_USERS.li)));
    const third = await s.fake.waitFor('chat.postEphemeral', (c) => c.args.user === SLACK_USERS.li);
    expect(third.args.text).toContain(`已经是工单 ${ticket?.number}`);
    expect(third.args.thread_ts).toBe(ts);
    await s.idle();
    expect(await tickets()).toHaveLength(1);
    expect(cards()).toHaveLength(1);
  });

  test('a redelivery after the ticket exists changes nothing and says nothing', async () => {
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '退款一直没到账' });
    const event = eventCallback(reaction(ts), { eventId: 'Ev0LATE' });
    await s.post(event);
    await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts);
    await s.idle();
    await s.post(event, { retryNum: 2, retryReason: 'http_timeout' });
    await s.idle();
    expect(await tickets()).toHaveLength(1);
    expect(cards()).toHaveLength(1);
    expect(s.fake.callsTo('chat.postEphemeral')).toEqual([]);
  });

  test('an Events API redelivery (same event id, retry 1) makes one ticket and one card', async () => {
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '优惠券没有自动抵扣，多付了 30 元' });
    const event = eventCallback(reaction(ts), { eventId: 'Ev0REDELIVER' });
    // The redelivery arrives while the first delivery is still being handled.
    const answers = await Promise.all([s.post(event), s.post(event, { retryNum: 1, retryReason: 'http_timeout' })]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === ts);
    await s.idle();
    // At most the original delivery, if it lost the race, says "already a ticket"; the redelivery stays quiet.
    expect(s.fake.callsTo('chat.postEphemeral').filter((c) => String(c.args.text).includes('已经是工单')).length).toBeLessThanOrEqual(1);
    expect(await tickets()).toHaveLength(1);
    expect(cards()).toHaveLength(1);
    const [ticket] = await tickets();
    expect(await s.app.deps.tickets.listMessages(ticket?.id ?? 0, { includeInternal: true })).toHaveLength(1);
  });
});

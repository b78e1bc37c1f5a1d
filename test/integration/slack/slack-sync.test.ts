import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { claimTicket, closeTicket, markPending } from '../../../core/tickets/ticket-actions.js';
import { parseTicketNumber } from '../../../core/tickets/ticket-number.js';
import type { Actor } from '../../../core/tickets/types.js';
import { PROVIDERS } from '../../helpers/databases.js';
import { CHANNEL, cardUpdate, eventually, fileTicket, SLACK_USERS, type SlackTestApp, startSlackApp, ticketNow } from '../../helpers/slack-app.js';
import { eventCallback } from '../../helpers/slack-requests.js';
import { agentClient, intakeBody, postMessage } from '../../helpers/web.js';

const { lin, customer } = SLACK_USERS;
const LIN: Actor = { role: 'agent', agentId: 'lin', name: '林晓雨', platform: 'api' };

describe.each(PROVIDERS)('Slack: thread sync on $name', (provider) => {
  let s: SlackTestApp;
  beforeEach(async () => {
    s = await startSlackApp(await provider.fresh());
  });
  afterEach(async () => {
    await s.close();
  });

  /** A message in a thread as Slack delivers it: stored in the fake channel, then sent as a `message` event. */
  async function say(threadTs: string, user: string | undefined, text: string, extra: Record<string, unknown> = {}): Promise<string> {
    const ts = s.fake.addMessage(CHANNEL, { ...(user ? { user } : {}), text, thread_ts: threadTs, ...(extra.bot_id ? { bot_id: String(extra.bot_id) } : {}) });
    const event = {
      type: 'message',
      channel: CHANNEL,
      channel_type: 'channel',
      text,
      ts,
      thread_ts: threadTs,
      event_ts: ts,
      ...(user ? { user } : {}),
      ...extra,
    };
    expect((await s.post(eventCallback(event))).status).toBe(200);
    return ts;
  }
  const messagesOf = (id: number) => s.app.deps.tickets.listMessages(id, { includeInternal: true });
  /** Waits until a message with this Slack ts is on the ticket. */
  const stored = (id: number, ts: string) => eventually(async () => (await messagesOf(id)).find((m) => m.platformMessageId === `${CHANNEL}:${ts}`));

  test('a customer reply in the ticket thread is a customer message, and resumes a ticket pending on them', async () => {
    const f = await fileTicket(s, '鞋子开胶了，订单 123456789012');
    await claimTicket(s.app.deps, f.ticket.id, LIN);
    await markPending(s.app.deps, f.ticket.id, LIN);
    const ts = await say(f.threadTs, customer, '补充一下：左脚鞋底开胶，照片已发');
    const message = await stored(f.ticket.id, ts);
    expect(message).toMatchObject({ visibility: 'public', authorKind: 'customer', body: '补充一下：左脚鞋底开胶，照片已发' });
    await eventually(async () => (await ticketNow(s, f.ticket.id)).status === 'in_progress');
    await cardUpdate(s, f.cardTs, ['处理中']);
  });

  test('a photo without words in the thread is kept, with the file as its attachment', async () => {
    const f = await fileTicket(s, '收到的杯子碎了');
    const file = { id: 'F0PHOTO', name: 'broken-cup.jpg', mimetype: 'image/jpeg', permalink: 'https://acme.slack.com/files/U0CUST/F0PHOTO/broken-cup.jpg' };
    const ts = await say(f.threadTs, customer, '', { subtype: 'file_share', files: [file] });
    const kept = await stored(f.ticket.id, ts);
    expect(kept).toMatchObject({ visibility: 'public', authorKind: 'customer', body: '📎 broken-cup.jpg' });
    const attachments = await s.app.database.db.attachment.findMany({ where: { messageId: kept.id } });
    expect(attachments.map((a) => ({ url: a.url, name: a.name, contentType: a.contentType }))).toEqual([
      { url: file.permalink, name: 'broken-cup.jpg', contentType: 'image/jpeg' },
    ]);
  });

  test('an agent reply in the thread is a public agent reply and records the first response', async () => {
    const f = await fileTicket(s, '请问可以开专票吗');
    await claimTicket(s.app.deps, f.ticket.id, LIN);
    expect((await ticketNow(s, f.ticket.id)).firstResponseAt).toBeNull();
    const ts = await say(f.threadTs, lin, '可以的，请提供开票信息');
    expect(await stored(f.ticket.id, ts)).toMatchObject({ visibility: 'public', authorKind: 'agent', authorId: 'lin' });
    const ticket = await eventually(async () => {
      const t = await ticketNow(s, f.ticket.id);
      return t.firstResponseAt ? t : undefined;
    });
    expect(ticket.status).toBe('in_progress');
    // The card shows the first response as met.
    await cardUpdate(s, f.cardTs, ['已响应', '处理中']);
  });

  test('the bot’s own messages, other bots, edits, and replies in unlinked threads are not stored', async () => {
    const f = await fileTicket(s, '物流信息一直不更新');
    const mark = s.fake.calls.length;
    // The bot's own post (as Slack echoes it), another integration's bot message, and an edit.
    await say(f.threadTs, 'U0BOT', 'T-000001 card echo', { bot_id: 'B0BOT' });
    await say(f.threadTs, 'U0OTHERBOT', 'deploy finished', { bot_id: 'B0OTHER' });
    await s.post(
      eventCallback({
        type: 'message',
        subtype: 'message_changed',
        hidden: true,
        channel: CHANNEL,
        ts: `${f.threadTs.split('.')[0]}.999999`,
        event_ts: `${f.threadTs.split('.')[0]}.999999`,
        message: {
          type: 'message',
          user: customer,
          text: '物流信息一直不更新（已编辑）',
          ts: f.threadTs,
          thread_ts: f.threadTs,
          edited: { user: customer, ts: '1' },
        },
        previous_message: { type: 'message', user: customer, text: '物流信息一直不更新', ts: f.threadTs },
      }),
    );
    // A reply in a thread that is no ticket's.
    const elsewhere = s.fake.addMessage(CHANNEL, { user: customer, text: '大家好' });
    const stray = await say(elsewhere, customer, '有人在吗');
    // A later customer reply is stored: the events before it have been handled by then.
    const sentinel = await say(f.threadTs, customer, '还在等');
    await stored(f.ticket.id, sentinel);
    const bodies = (await messagesOf(f.ticket.id)).map((m) => m.body);
    expect(bodies).toEqual(['物流信息一直不更新', '还在等']);
    expect(await s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${stray}`)).toBeNull();
    expect(await s.app.deps.tickets.listTickets({})).toHaveLength(1);
    // Nothing was posted, refused or updated in Slack.
    expect(s.fake.calls.slice(mark).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
    // Every delivery, the ignored ones included, is marked finished in the inbox (none is replayed later).
    await s.idle();
    expect(await s.app.database.db.inboundDelivery.count({ where: { doneAt: null } })).toBe(0);
  });

  test('a reply in the thread of a closed ticket opens a follow-up ticket with its own card; the old card keeps the old ticket', async () => {
    const f = await fileTicket(s, '退款到账了，谢谢');
    await claimTicket(s.app.deps, f.ticket.id, LIN);
    await closeTicket(s.app.deps, f.ticket.id, LIN, 'done');
    await cardUpdate(s, f.cardTs, ['已关闭']);
    const mark = s.fake.calls.length;
    const ts = await say(f.threadTs, customer, '又有新问题：第二件商品也有瑕疵');
    const followUp = await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${ts}`));
    expect(followUp.id).not.toBe(f.ticket.id);
    expect(followUp.description).toBe('又有新问题：第二件商品也有瑕疵');
    const card = await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === f.threadTs && JSON.stringify(c.args.blocks).includes(followUp.number));
    const links = await eventually(async () => {
      const rows = await s.app.deps.tickets.listConversations(followUp.id, 'slack');
      return rows[0]?.cardMessageId === card.response.ts ? rows : undefined;
    });
    expect(links).toEqual([expect.objectContaining({ threadId: f.threadTs, cardMessageId: card.response.ts })]);
    expect((await s.app.deps.tickets.findTicketByConversation({ ...links[0], messageId: '' } as never))?.id).toBe(followUp.id);
    expect(await ticketNow(s, f.ticket.id)).toMatchObject({ status: 'closed' });
    // The closed ticket's card is never rewritten as the follow-up.
    await claimTicket(s.app.deps, followUp.id, LIN);
    await cardUpdate(s, String(card.response.ts), [`<@${lin}>`]);
    await s.idle();
    const oldCard = s.fake.calls.slice(mark).filter((c) => c.method === 'chat.update' && c.args.ts === f.cardTs);
    expect(JSON.stringify(oldCard)).not.toContain(followUp.number);
    const shown = s.fake.messages(CHANNEL).find((m) => m.ts === f.cardTs);
    expect(JSON.stringify(shown?.blocks)).toContain(f.ticket.number);
  });

  test('changes made elsewhere (the core, the web agent API) update the Slack card', async () => {
    const f = await fileTicket(s, '买的裙子尺码偏小');
    await claimTicket(s.app.deps, f.ticket.id, LIN);
    await cardUpdate(s, f.cardTs, [`<@${lin}>`, '已分配']);
    const api = agentClient(s.base, 'lin');
    const res = await api.act(f.ticket.number, 'priority', { priority: 'P1' });
    expect(res.status).toBe(200);
    await cardUpdate(s, f.cardTs, ['🔴 P1']);
    expect((await api.act(f.ticket.number, 'resolve')).status).toBe(200);
    const resolved = await cardUpdate(s, f.cardTs, ['已解决', '🔴 P1', `<@${lin}>`]);
    expect(resolved.args.channel).toBe(CHANNEL);
    expect(s.fake.messages(CHANNEL).find((m) => m.ts === f.cardTs)?.text).toContain('已解决');
  });

  test("merged into another customer's ticket from another channel, the Slack thread stays apart: the kept ticket's replies never reach it, and the customer's next message opens a follow-up", async () => {
    await s.app.startWorkers();
    const kept = await postMessage(s.base, intakeBody({ messageId: 'w-1', text: '快递三天没动了，订单 20261120001' }));
    const f = await fileTicket(s, '我的快递怎么还没到？');
    const merged = await agentClient(s.base, 'li').act(f.ticket.number, 'merge', { into: kept.body.ticket.number });
    expect(merged.status).toBe(200);

    const api = agentClient(s.base, 'lin');
    expect((await api.act(kept.body.ticket.number, 'claim')).status).toBe(200);
    expect((await api.act(kept.body.ticket.number, 'reply', { text: '已经催快递了，明天送到' })).status).toBe(200);
    await s.app.automation.dispatcher.runOnce();
    await s.idle();
    expect(s.fake.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('明天送到'))).toEqual([]);

    const ts = await say(f.threadTs, customer, '好的，谢谢');
    await eventually(async () => (await s.app.deps.tickets.countTickets({})) === 3);
    const onKept = await messagesOf(parseTicketNumber(kept.body.ticket.number) ?? 0);
    expect(onKept.find((m) => m.platformMessageId === `${CHANNEL}:${ts}`)).toBeUndefined();
  });

  test("an agent's reply from the web console reaches the customer's Slack thread once; a reply written in the thread is not posted again", async () => {
    await s.app.startWorkers();
    const f = await fileTicket(s, '退款什么时候到账？');
    const api = agentClient(s.base, 'lin');
    expect((await api.act(f.ticket.number, 'claim')).status).toBe(200);
    expect((await api.act(f.ticket.number, 'reply', { text: '退款已提交，1-3 个工作日到账' })).status).toBe(200);
    const relayed = await s.fake.waitFor('chat.postMessage', (c) => String(c.args.text).includes('1-3 个工作日到账'), 10_000);
    expect(relayed.args).toMatchObject({ channel: CHANNEL, thread_ts: f.threadTs });
    expect(String(relayed.args.text)).toContain('林晓雨');
    expect(String(relayed.args.text)).toContain(f.ticket.number);

    // Written in the thread itself: stored on the ticket, never posted a second time.
    const ts = await say(f.threadTs, lin, '另外运费也会一起退回');
    await stored(f.ticket.id, ts);
    await eventually(async () => (await s.app.automation.notifications.list({ ticketId: f.ticket.id, unsent: true })).length === 0);
    await s.idle();
    const posts = s.fake.callsTo('chat.postMessage').map((c) => String(c.args.text));
    expect(posts.filter((t) => t.includes('1-3 个工作日到账'))).toHaveLength(1);
    expect(posts.filter((t) => t.includes('运费也会一起退回'))).toEqual([]);
    // The relayed reply is one message on the ticket (the web channel does not add a copy).
    const replies = (await messagesOf(f.ticket.id)).filter((m) => m.authorKind === 'agent' || m.authorKind === 'bot');
    expect(replies.map((m) => m.body)).toEqual(['退款已提交，1-3 个工作日到账', '另外运费也会一起退回']);
  });
});

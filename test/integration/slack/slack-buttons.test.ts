import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEMO_KB } from '../../../bot/cli-kb.js';
import { PROVIDERS } from '../../helpers/databases.js';
import {
  CHANNEL,
  cardUpdate,
  ephemeralTo,
  type FiledTicket,
  fileTicket,
  SLACK_USERS,
  type SlackTestApp,
  startSlackApp,
  ticketNow,
} from '../../helpers/slack-app.js';
import { blockAction, viewSubmission } from '../../helpers/slack-requests.js';

const { lin, zhou, li, customer } = SLACK_USERS;

describe.each(PROVIDERS)('Slack: card controls on $name', (provider) => {
  let s: SlackTestApp;
  let seq = 0;
  beforeEach(async () => {
    s = await startSlackApp(await provider.fresh());
  });
  afterEach(async () => {
    await s.close();
  });

  /** Clicks a control on the ticket's card as `user`; returns the index of the next recorded Slack call. */
  async function click(
    f: FiledTicket,
    user: string,
    actionId: string,
    choice: { value?: string; option?: string; selectedUser?: string } = {},
  ): Promise<number> {
    const mark = s.fake.calls.length;
    const res = await s.post(
      blockAction({
        actionId,
        userId: user,
        channelId: CHANNEL,
        messageTs: f.cardTs,
        threadTs: f.threadTs,
        responseUrl: s.fake.responseUrl(`btn${++seq}`),
        ...(choice.option === undefined && choice.selectedUser === undefined ? { value: choice.value ?? String(f.ticket.id) } : {}),
        ...(choice.option === undefined ? {} : { selectedOption: choice.option }),
        ...(choice.selectedUser === undefined ? {} : { selectedUser: choice.selectedUser, blockId: `tb_controls_${f.ticket.id}` }),
      }),
    );
    expect(res.status).toBe(200);
    return mark;
  }
  /** Submits a note or reply modal for the ticket; returns the HTTP answer (the view ack). */
  function submit(f: FiledTicket, user: string, callbackId: string, value: string, privateMetadata?: string) {
    return s.post(
      viewSubmission({
        callbackId,
        userId: user,
        privateMetadata: privateMetadata ?? JSON.stringify({ ticketId: f.ticket.id, channelId: CHANNEL, threadTs: f.threadTs }),
        values: { tb_text_block: { tb_text: { type: 'plain_text_input', value } } },
      }),
    );
  }
  const publicPostsIn = (f: FiledTicket) => s.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === f.threadTs);

  test('Claim, Resolve and Close change the ticket, and each change updates the card in place', async () => {
    const f = await fileTicket(s, '收到的杯子碎了，订单 123456789012');
    let mark = await click(f, lin, 'tb_claim');
    await cardUpdate(s, f.cardTs, [`<@${lin}>`, '已分配'], mark);
    expect(await ticketNow(s, f.ticket.id)).toMatchObject({ status: 'assigned', assigneeId: 'lin' });

    mark = await click(f, lin, 'tb_resolve');
    const resolved = await cardUpdate(s, f.cardTs, ['已解决'], mark);
    expect(JSON.stringify(resolved.args.blocks)).not.toContain('tb_claim');
    expect(await ticketNow(s, f.ticket.id)).toMatchObject({ status: 'resolved' });

    mark = await click(f, lin, 'tb_close');
    const closed = await cardUpdate(s, f.cardTs, ['已关闭'], mark);
    // A closed card has no controls left.
    expect(JSON.stringify(closed.args.blocks)).not.toMatch(/tb_(close|resolve|note)/);
    expect(await ticketNow(s, f.ticket.id)).toMatchObject({ status: 'closed' });
    expect(closed.args.channel).toBe(CHANNEL);
  });

  test('Assign (users_select), Transfer, priority and category selects', async () => {
    const f = await fileTicket(s, '东西少发了一件');
    let mark = await click(f, lin, 'tb_assign', { selectedUser: zhou });
    await cardUpdate(s, f.cardTs, [`<@${zhou}>`], mark);
    expect(await ticketNow(s, f.ticket.id)).toMatchObject({ status: 'assigned', assigneeId: 'zhou' });

    mark = await click(f, zhou, 'tb_priority', { option: `${f.ticket.id}:P1` });
    await cardUpdate(s, f.cardTs, ['🔴 P1'], mark);
    expect((await ticketNow(s, f.ticket.id)).priority).toBe('P1');

    const category = f.ticket.category === 'invoice' ? 'complaint' : 'invoice';
    mark = await click(f, zhou, 'tb_category', { option: `${f.ticket.id}:${category}` });
    await cardUpdate(s, f.cardTs, [category === 'invoice' ? '发票' : '投诉'], mark);
    expect((await ticketNow(s, f.ticket.id)).category).toBe(category);

    mark = await click(f, zhou, 'tb_transfer', { option: `${f.ticket.id}:finance` });
    const moved = await cardUpdate(s, f.cardTs, ['财务', '新建'], mark);
    expect(JSON.stringify(moved.args.blocks)).toContain('tb_claim');
    expect(await ticketNow(s, f.ticket.id)).toMatchObject({ status: 'new', teamId: 'finance', assigneeId: null });
  });

  test('permissions: a customer cannot claim; an agent cannot take a colleague’s ticket; the supervisor can reassign', async () => {
    const f = await fileTicket(s, '我要投诉客服态度');
    let mark = await click(f, customer, 'tb_claim');
    const refused = await ephemeralTo(s, customer);
    expect(refused.args.text).toBe(`抱歉，您没有权限对工单 ${f.ticket.number} 执行「认领」。`);
    expect(refused.args.thread_ts).toBe(f.threadTs);
    expect(await ticketNow(s, f.ticket.id)).toMatchObject({ status: 'new', assigneeId: null, version: f.ticket.version });

    await click(f, lin, 'tb_claim');
    await cardUpdate(s, f.cardTs, [`<@${lin}>`], mark);
    mark = await click(f, zhou, 'tb_assign', { selectedUser: zhou });
    const notOwner = await ephemeralTo(s, zhou);
    expect(notOwner.args.text).toBe(`工单 ${f.ticket.number} 由 lin 负责，只有负责人或主管可以执行「指派」。`);
    expect((await ticketNow(s, f.ticket.id)).assigneeId).toBe('lin');
    expect(s.fake.calls.slice(mark).filter((c) => c.method === 'chat.update')).toEqual([]);

    mark = await click(f, li, 'tb_assign', { selectedUser: zhou });
    await cardUpdate(s, f.cardTs, [`<@${zhou}>`], mark);
    expect((await ticketNow(s, f.ticket.id)).assigneeId).toBe('zhou');
    // Selecting someone who is not an agent is refused by mention.
    await click(f, li, 'tb_assign', { selectedUser: customer });
    expect((await ephemeralTo(s, li)).args.text).toBe(`找不到客服「<@${customer}>」。`);
  });

  test('Note opens the note modal; its submission stores an internal note that is never posted publicly', async () => {
    const f = await fileTicket(s, '地址填错了能改吗');
    await click(f, lin, 'tb_note');
    const opened = await s.fake.waitFor('views.open');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('tb_note_modal');
    expect(JSON.parse(view.private_metadata)).toEqual({ ticketId: f.ticket.id, channelId: CHANNEL, threadTs: f.threadTs });
    expect(opened.args.trigger_id).toBeTruthy();

    const res = await submit(f, lin, 'tb_note_modal', '客户是老客户，优先处理', view.private_metadata);
    expect(res.status).toBe(200);
    expect((await ephemeralTo(s, lin, (t) => t.includes('内部备注'))).args.text).toBe(`已为工单 ${f.ticket.number} 添加内部备注。`);
    const messages = await s.app.deps.tickets.listMessages(f.ticket.id, { includeInternal: true });
    expect(messages).toContainEqual(expect.objectContaining({ visibility: 'internal', body: '客户是老客户，优先处理', authorId: 'lin' }));
    expect(JSON.stringify(publicPostsIn(f))).not.toContain('老客户');
  });

  test('an empty note is refused in the view ack (response_action: errors) and stores nothing', async () => {
    const f = await fileTicket(s, '优惠券用不了');
    const res = await submit(f, lin, 'tb_note_modal', '   ');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ response_action: 'errors', errors: { tb_text_block: '备注不能为空。' } });
    expect(await s.app.deps.tickets.listMessages(f.ticket.id, { includeInternal: true })).toHaveLength(1);
  });

  test('Suggest reply with an empty knowledge base answers that nothing fits', async () => {
    expect(s.app.kb.size).toBe(0);
    const f = await fileTicket(s, '退款多久能到账？');
    await click(f, lin, 'tb_suggest');
    const answer = await ephemeralTo(s, lin);
    expect(answer.args.text).toBe('知识库里没有找到合适的答案。');
    expect(JSON.stringify(answer.args.blocks)).not.toContain('tb_send_reply');
  });

  test('Suggest reply from the demo FAQ, then Send posts it in the thread as the agent’s first response', async () => {
    await s.app.kb.ingest(DEMO_KB);
    const f = await fileTicket(s, '退款多久能到账？钱什么时候退回来');
    await click(f, lin, 'tb_suggest');
    const shown = await ephemeralTo(s, lin);
    const blocks = JSON.stringify(shown.args.blocks);
    expect(blocks).toContain(`工单 ${f.ticket.number} 的推荐回复`);
    expect(blocks).toContain('tb_send_reply');
    expect(blocks).toContain('tb_edit_reply');
    expect(shown.args.thread_ts).toBe(f.threadTs);
    const suggestion = String(shown.args.text).split('\n').slice(1).join('\n');
    expect(suggestion.length).toBeGreaterThan(10);

    await click(f, lin, 'tb_send_reply');
    const posted = await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === f.threadTs && String(c.args.text).startsWith('*林晓雨*'));
    expect(posted.args.channel).toBe(CHANNEL);
    expect(await ephemeralTo(s, lin, (t) => t.includes('已回复客户'))).toBeTruthy();
    const messages = await s.app.deps.tickets.listMessages(f.ticket.id, { includeInternal: false });
    expect(messages).toContainEqual(
      expect.objectContaining({ visibility: 'public', authorKind: 'agent', authorId: 'lin', platformMessageId: `${CHANNEL}:${posted.response.ts}` }),
    );
    expect(messages.at(-1)?.body.slice(0, 20)).toBe(suggestion.slice(0, 20));
    expect((await ticketNow(s, f.ticket.id)).firstResponseAt).not.toBeNull();
  });

  test('Edit opens the reply modal with the draft; its submission sends the edited reply', async () => {
    await s.app.kb.ingest(DEMO_KB);
    const f = await fileTicket(s, 'How long does a refund take to arrive?');
    await click(f, lin, 'tb_suggest');
    await ephemeralTo(s, lin);
    await click(f, lin, 'tb_edit_reply');
    const opened = await s.fake.waitFor('views.open');
    const view = opened.args.view as { callback_id: string; private_metadata: string; blocks: { element: { initial_value?: string } }[] };
    expect(view.callback_id).toBe('tb_reply_modal');
    expect(view.blocks[0]?.element.initial_value?.length).toBeGreaterThan(10);

    const res = await submit(f, lin, 'tb_reply_modal', 'Your refund is on its way: 1-3 working days.', view.private_metadata);
    expect(res.status).toBe(200);
    const posted = await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === f.threadTs && String(c.args.text).includes('on its way'));
    expect(posted.args.text).toBe('*林晓雨*: Your refund is on its way: 1-3 working days.');
    await ephemeralTo(s, lin, (t) => t.includes('已回复客户'));
    const messages = await s.app.deps.tickets.listMessages(f.ticket.id, { includeInternal: false });
    expect(messages).toContainEqual(expect.objectContaining({ authorKind: 'agent', body: 'Your refund is on its way: 1-3 working days.' }));
    expect((await ticketNow(s, f.ticket.id)).firstResponseAt).not.toBeNull();
    // A customer cannot submit a reply modal (the metadata could be forged).
    await submit(f, customer, 'tb_reply_modal', 'fake agent reply');
    expect((await ephemeralTo(s, customer)).args.text).toBe('只有客服可以执行这个命令。');
    expect(JSON.stringify(publicPostsIn(f))).not.toContain('fake agent reply');
  });
});

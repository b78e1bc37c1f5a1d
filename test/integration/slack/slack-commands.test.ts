import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PROVIDERS } from '../../helpers/databases.js';
import { CHANNEL, cardUpdate, fileTicket, responded, SLACK_USERS, type SlackTestApp, startSlackApp, ticketNow } from '../../helpers/slack-app.js';
import { eventCallback, slashCommand } from '../../helpers/slack-requests.js';

describe.each(PROVIDERS)('Slack: /ticket commands on $name', (provider) => {
  let s: SlackTestApp;
  let seq = 0;
  beforeEach(async () => {
    s = await startSlackApp(await provider.fresh());
  });
  afterEach(async () => {
    await s.close();
  });

  /** Runs `/ticket <text>` as a user; returns what the response_url was told (always ephemeral). */
  async function slash(user: string, text: string): Promise<string> {
    const id = `cmd${++seq}`;
    const res = await s.post(slashCommand({ text, userId: user, channelId: CHANNEL, responseUrl: s.fake.responseUrl(id) }));
    expect(res.status).toBe(200);
    const answer = await responded(s, id);
    expect(answer.responseType).toBe('ephemeral');
    return answer.text;
  }
  const { lin, zhou, li, customer } = SLACK_USERS;

  test('help in both languages lists the usage, ephemerally', async () => {
    const zh = await slash(lin, '帮助');
    expect(zh).toMatch(/^工单命令：/);
    expect(zh).toContain('认领 [工单号] — 认领工单');
    const en = await slash(lin, 'help');
    expect(en).toMatch(/^Ticket commands:/);
    expect(en).toContain('claim [ticket] — take a ticket');
  });

  test('claim (zh and en), and a customer claim is refused politely with the ticket unchanged', async () => {
    const a = (await fileTicket(s, '退货的运费谁来出？')).ticket;
    const b = (await fileTicket(s, 'The zipper broke after one day')).ticket;
    const refused = await slash(customer, `认领 ${a.number}`);
    expect(refused).toBe(`抱歉，您没有权限对工单 ${a.number} 执行「认领」。`);
    expect(await ticketNow(s, a.id)).toMatchObject({ status: 'new', assigneeId: null, version: a.version });

    expect(await slash(lin, `认领 ${a.number}`)).toBe(`您已认领工单 ${a.number}。`);
    expect(await ticketNow(s, a.id)).toMatchObject({ status: 'assigned', assigneeId: 'lin' });
    expect(await slash(zhou, `claim ${b.number}`)).toBe(`You claimed ticket ${b.number}.`);
    expect(await ticketNow(s, b.id)).toMatchObject({ status: 'assigned', assigneeId: 'zhou' });
    // Taken already: the loser hears who has it, and nothing changes.
    expect(await slash(li, `claim ${a.number}`)).toBe(`Ticket ${a.number} has already been claimed by lin.`);
    expect(await ticketNow(s, a.id)).toMatchObject({ assigneeId: 'lin' });
  });

  test('a change made by command updates the card in place', async () => {
    const { ticket, cardTs } = await fileTicket(s, '我要开增值税发票');
    await slash(lin, `claim ${ticket.number}`);
    const update = await cardUpdate(s, cardTs, [`<@${lin}>`, '已分配']);
    expect(update.args.channel).toBe(CHANNEL);
  });

  test('assign with a Slack mention, then transfer to another team with a note', async () => {
    const { ticket } = await fileTicket(s, '快递一直显示运输中，订单 123456789012');
    await slash(lin, `claim ${ticket.number}`);
    expect(await slash(lin, `指派 <@${zhou}> ${ticket.number}`)).toBe(`工单 ${ticket.number} 已指派给 周航。`);
    expect(await ticketNow(s, ticket.id)).toMatchObject({ status: 'assigned', assigneeId: 'zhou' });

    const transferred = await slash(zhou, `transfer finance ${ticket.number} customer wants a refund instead`);
    expect(transferred).toBe(`Ticket ${ticket.number} was transferred to Finance.`);
    expect(await ticketNow(s, ticket.id)).toMatchObject({ status: 'new', teamId: 'finance', assigneeId: null });
    const notes = await s.app.deps.tickets.listMessages(ticket.id, { includeInternal: true });
    expect(notes).toContainEqual(expect.objectContaining({ visibility: 'internal', body: 'customer wants a refund instead', authorId: 'zhou' }));
    // An assignee who is not an agent is refused by name.
    expect(await slash(li, `assign <@${customer}> ${ticket.number}`)).toBe(`No agent called "${customer}".`);
  });

  test('note, pending, resolve, close and reopen change the ticket as they say', async () => {
    const { ticket } = await fileTicket(s, '衣服洗了一次就褪色');
    const n = ticket.number;
    await slash(lin, `认领 ${n}`);
    expect(await slash(lin, `备注 ${n} 已联系仓库核实批次`)).toBe(`已为工单 ${n} 添加内部备注。`);
    const messages = await s.app.deps.tickets.listMessages(ticket.id, { includeInternal: true });
    expect(messages).toContainEqual(expect.objectContaining({ visibility: 'internal', body: '已联系仓库核实批次', authorId: 'lin' }));
    expect(await s.app.deps.tickets.listMessages(ticket.id, { includeInternal: false })).not.toContainEqual(
      expect.objectContaining({ body: '已联系仓库核实批次' }),
    );

    expect(await slash(lin, `pending ${n}`)).toBe(`Ticket ${n} is now pending on the customer.`);
    expect(await ticketNow(s, ticket.id)).toMatchObject({ status: 'pending_customer' });
    expect(await slash(lin, `解决 ${n}`)).toBe(`工单 ${n} 已解决。`);
    expect(await ticketNow(s, ticket.id)).toMatchObject({ status: 'resolved' });
    expect(await slash(lin, `close ${n} customer confirmed`)).toBe(`Ticket ${n} is closed.`);
    expect(await ticketNow(s, ticket.id)).toMatchObject({ status: 'closed', closeReason: 'customer confirmed' });
    expect(await slash(lin, `重开 ${n}`)).toBe(`工单 ${n} 已重开（第 1 次）。`);
    expect(await ticketNow(s, ticket.id)).toMatchObject({ status: 'assigned', assigneeId: 'lin', reboundCount: 1 });
    // Someone else's ticket: zhou may not resolve it.
    expect(await slash(zhou, `resolve ${n}`)).toBe(`Ticket ${n} belongs to lin: only they or a supervisor can use "resolve" on it.`);
    expect(await ticketNow(s, ticket.id)).toMatchObject({ status: 'assigned' });
  });

  test('status, list mine and list open', async () => {
    const { ticket } = await fileTicket(s, '商品页面写的是纯棉，实际是混纺');
    const other = (await fileTicket(s, '发错颜色了')).ticket;
    await slash(lin, `claim ${ticket.number}`);
    const status = await slash(lin, `查询 ${ticket.number}`);
    expect(status).toContain(ticket.number);
    expect(status).toContain('已分配');
    expect(await slash(zhou, `status ${other.number}`)).toContain('new');

    const mine = await slash(lin, '列表 我的');
    expect(mine).toMatch(/^共 1 个工单：/);
    expect(mine).toContain(ticket.number);
    expect(mine).not.toContain(other.number);
    const open = await slash(lin, 'list open');
    expect(open).toMatch(/^2 ticket\(s\):/);
    expect(open).toContain(other.number);
    expect(await slash(zhou, 'list mine')).toBe('No tickets match.');
    // A customer may not list the queue.
    expect(await slash(customer, 'list open')).toBe('Only support agents can use this command.');
  });

  test('duty off / on (下班, 上班, duty on) switch the agent in the directory', async () => {
    expect(await slash(lin, '下班')).toBe('林晓雨 已下班，不再自动分配新工单（手上的工单保持不变）。');
    expect((await s.app.deps.directory.findAgent('lin'))?.onDuty).toBe(false);
    expect(await slash(lin, '上班')).toBe('林晓雨 已上班，开始接单。');
    expect((await s.app.deps.directory.findAgent('lin'))?.onDuty).toBe(true);
    await slash(zhou, 'duty off');
    expect((await s.app.deps.directory.findAgent('zhou'))?.onDuty).toBe(false);
    expect(await slash(zhou, 'duty on')).toBe('周航 is on duty and will receive tickets.');
    expect((await s.app.deps.directory.findAgent('zhou'))?.onDuty).toBe(true);
    expect(await slash(customer, '下班')).toBe('只有客服可以执行这个命令。');
  });

  test('sla reports in both languages', async () => {
    await fileTicket(s, '请问什么时候发货');
    expect(await slash(lin, '时效')).toBe('没有即将超时或已超时的工单。');
    expect(await slash(lin, 'sla')).toBe('No tickets at risk or breached.');
  });

  test('@mention with a command in a ticket thread acts on that ticket without a number; the echoed message event is not stored', async () => {
    const f = await fileTicket(s, '赠品没有收到');
    const text = '<@U0BOT> 认领';
    const ts = s.fake.addMessage(CHANNEL, { user: lin, text, thread_ts: f.threadTs });
    const base = { user: lin, text, ts, thread_ts: f.threadTs, channel: CHANNEL, event_ts: ts };
    await s.post(eventCallback({ type: 'app_mention', ...base }));
    await s.post(eventCallback({ type: 'message', channel_type: 'channel', ...base }));
    const answer = await s.fake.waitFor('chat.postEphemeral', (c) => c.args.user === lin);
    expect(answer.args).toMatchObject({ text: `您已认领工单 ${f.ticket.number}。`, thread_ts: f.threadTs, channel: CHANNEL });
    expect(await ticketNow(s, f.ticket.id)).toMatchObject({ status: 'assigned', assigneeId: 'lin' });
    await cardUpdate(s, f.cardTs, [`<@${lin}>`]);
    expect((await s.app.deps.tickets.listMessages(f.ticket.id, { includeInternal: true })).map((m) => m.body)).toEqual(['赠品没有收到']);
  });

  test('an unknown verb or bad arguments answer with the usage and change nothing', async () => {
    const { ticket } = await fileTicket(s, '退款到哪个账户了');
    const zh = await slash(lin, `飞 ${ticket.number}`);
    expect(zh.split('\n')[0]).toBe('没有「飞」这个命令。');
    expect(zh).toContain('• 认领 [工单号] — 认领工单');
    const en = await slash(lin, 'fly away');
    expect(en.split('\n')[0]).toBe('There is no "fly" command.');
    expect(en).toContain('• help — show this help');
    // `assign` without a mention is a usage error, not an assignment.
    const bad = await slash(lin, `assign ${ticket.number}`);
    expect(bad).toContain('assign');
    expect(await ticketNow(s, ticket.id)).toMatchObject({ status: 'new', assigneeId: null, version: ticket.version });
  });
});

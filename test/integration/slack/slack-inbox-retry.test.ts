// A customer's reply in a ticket's thread is not lost when the database fails under it: the delivery is
// retried by the inbox's sweep (soon, not when its lease runs out), and one that could not even be
// recorded is kept in memory and in the spool (across a stop) until a sweep can record it. Nobody is
// shown an error meanwhile.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { SlackInbox } from '../../../bot/slack/inbox.js';
import { ParkedSpool } from '../../../bot/slack/parked-spool.js';
import { PrismaInboxStore } from '../../../core/store/inbox-store.js';
import { claimTicket, closeTicket } from '../../../core/tickets/ticket-actions.js';
import type { Actor } from '../../../core/tickets/types.js';
import { PROVIDERS } from '../../helpers/databases.js';
import { CHANNEL, cardUpdate, eventually, fileTicket, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';
import { eventCallback } from '../../helpers/slack-requests.js';

describe.each(PROVIDERS)('Slack deliveries whose work fails, on $name', (provider) => {
  let s: SlackTestApp;
  let dataDir: string;
  let spoolDir: string;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-spool-'));
    spoolDir = join(dataDir, 'slack-spool');
    s = await startSlackApp(await provider.fresh(), { env: { TICKETBOT_DATA_DIR: dataDir } });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await s.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const slack = () => {
    if (!s.app.slack) throw new Error('Slack adapter not started');
    return s.app.slack;
  };
  const eventId = (ts: string) => `Ev${ts.replace('.', '')}`;
  const deliveryOf = (ts: string) => s.app.database.db.inboundDelivery.findFirst({ where: { deliveryKey: `event:${eventId(ts)}` } });

  /** The customer's reply in the thread, delivered as a `message` event. */
  async function reply(threadTs: string, text: string): Promise<string> {
    const ts = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text, thread_ts: threadTs });
    const event = { type: 'message', channel: CHANNEL, channel_type: 'channel', user: SLACK_USERS.customer, text, ts, thread_ts: threadTs, event_ts: ts };
    expect((await s.post(eventCallback(event, { eventId: eventId(ts) }))).status).toBe(200);
    return ts;
  }
  const kept = async (ticketId: number, ts: string) =>
    (await s.app.deps.tickets.listMessages(ticketId, { includeInternal: true })).filter((m) => m.platformMessageId === `${CHANNEL}:${ts}`);
  const errorsShownTo = (user: string) => s.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === user);

  test('a reply whose work fails is retried by the next sweep after 30 s, and kept once', async () => {
    const f = await fileTicket(s, '快递一直显示运输中，订单 202611230001');
    await s.idle();
    const failing = vi.spyOn(s.app.deps.tickets, 'findTicketByMessage').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    const before = Date.now();
    const ts = await reply(f.threadTs, '今天还是没有更新');
    await s.idle();
    expect(failing).toHaveBeenCalled();
    expect(await kept(f.ticket.id, ts)).toEqual([]);
    expect(errorsShownTo(SLACK_USERS.customer)).toEqual([]);
    const row = await deliveryOf(ts);
    expect(row?.doneAt).toBeNull();
    // Free for a retry 30 s after the failure, not when its 10-minute lease runs out.
    const freeAt = row?.claimedUntil.getTime() ?? 0;
    expect(freeAt).toBeGreaterThanOrEqual(before + 30_000 - 1_000);
    expect(freeAt).toBeLessThanOrEqual(Date.now() + 30_000);
    // Nothing to retry before then.
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(0);
    // 30 s later, still failing: the next retry waits 4 times as long (2 min).
    failing.mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    const free = () => s.app.database.db.inboundDelivery.update({ where: { id: row?.id ?? 0 }, data: { claimedUntil: new Date(Date.now() - 1) } });
    await free();
    const second = Date.now();
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(1);
    await s.idle();
    expect(await kept(f.ticket.id, ts)).toEqual([]);
    const again = await deliveryOf(ts);
    expect(again).toMatchObject({ doneAt: null, attempts: 2 });
    expect(again?.claimedUntil.getTime()).toBeGreaterThanOrEqual(second + 120_000 - 1_000);
    expect(again?.claimedUntil.getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
    // 2 min later:
    await free();
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(1);
    await s.idle();
    expect(await kept(f.ticket.id, ts)).toHaveLength(1);
    expect((await deliveryOf(ts))?.doneAt).toBeInstanceOf(Date);
    expect(errorsShownTo(SLACK_USERS.customer)).toEqual([]);
  });

  test('a follow-up ticket made by a first attempt that failed after it (the database went away) gets its card from the retry', async () => {
    const lin: Actor = { role: 'agent', agentId: 'lin', name: '林晓雨', platform: 'api' };
    const f = await fileTicket(s, '耳机已经换好了');
    await claimTicket(s.app.deps, f.ticket.id, lin);
    await closeTicket(s.app.deps, f.ticket.id, lin, 'done');
    await cardUpdate(s, f.cardTs, ['已关闭']);
    await s.idle();
    // The follow-up is made, then its observers fail on the database (once).
    const deps = s.app.deps as { onChange?: typeof s.app.deps.onChange };
    const observers = deps.onChange;
    let failed = false;
    deps.onChange = async (change) => {
      if (!failed && change.action === 'create') {
        failed = true;
        throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      }
      await observers?.(change);
    };
    const ts = await reply(f.threadTs, '新耳机也有杂音');
    await s.idle();
    const followUp = await eventually(() => s.app.deps.tickets.findTicketByMessage('slack', `${CHANNEL}:${ts}`));
    const cards = () =>
      s.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === f.threadTs && JSON.stringify(c.args.blocks ?? '').includes(followUp.number));
    expect(cards()).toEqual([]);
    expect(errorsShownTo(SLACK_USERS.customer)).toEqual([]);
    await s.app.database.db.inboundDelivery.updateMany({ where: { deliveryKey: `event:${eventId(ts)}` }, data: { claimedUntil: new Date(Date.now() - 1) } });
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(1);
    await s.idle();
    expect(cards()).toHaveLength(1);
    expect((await s.app.deps.tickets.listConversations(followUp.id, 'slack'))[0]?.cardMessageId).toBe(cards()[0]?.response.ts);
    // A later redelivery finds the card there and posts none.
    await s.app.database.db.inboundDelivery.updateMany({
      where: { deliveryKey: `event:${eventId(ts)}` },
      data: { doneAt: null, claimedUntil: new Date(Date.now() - 1) },
    });
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(1);
    await s.idle();
    expect(cards()).toHaveLength(1);
  });

  test('a reply whose work fails for good (a bug, not the database) is refused at once and not retried', async () => {
    const f = await fileTicket(s, '商品少发了一件');
    await s.idle();
    vi.spyOn(s.app.deps.tickets, 'findTicketByMessage').mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'id')"));
    const ts = await reply(f.threadTs, '请补发');
    await s.idle();
    expect(await kept(f.ticket.id, ts)).toEqual([]);
    expect(errorsShownTo(SLACK_USERS.customer)).toHaveLength(1);
    expect((await deliveryOf(ts))?.doneAt).toBeInstanceOf(Date);
  });

  test('a process whose delivery was taken over by another cannot move the new lease', async () => {
    const store = new PrismaInboxStore(s.app.database);
    const long = new Date(Date.now() - 11 * 60_000);
    const [id] = await store.record('slack', [{ deliveryKey: 'event:EvTAKEN', payload: '{}' }], long, 10 * 60_000);
    const [claimed] = await store.claimUnfinished('slack', new Date(), 20, 10 * 60_000);
    expect(claimed).toMatchObject({ id, attempts: 2 });
    const soon = new Date(Date.now() + 30_000);
    // The first process's attempt (1) failed late: its release does not touch the second attempt's lease.
    await store.release(id ?? 0, 1, soon);
    expect((await s.app.database.db.inboundDelivery.findUnique({ where: { id: id ?? 0 } }))?.claimedUntil.getTime()).toBeGreaterThan(soon.getTime());
    await store.release(id ?? 0, 2, soon);
    expect((await s.app.database.db.inboundDelivery.findUnique({ where: { id: id ?? 0 } }))?.claimedUntil.getTime()).toBe(soon.getTime());
  });

  test('a reply that could be neither recorded nor worked on is kept in memory, then recorded and kept by the next sweep', async () => {
    const f = await fileTicket(s, '退款申请提交三天了没有处理');
    await s.idle();
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const record = vi.spyOn(PrismaInboxStore.prototype, 'record').mockRejectedValueOnce(down);
    vi.spyOn(s.app.deps.tickets, 'findTicketByMessage').mockRejectedValueOnce(down);
    const ts = await reply(f.threadTs, '请尽快处理退款');
    await s.idle();
    expect(record).toHaveBeenCalledTimes(1);
    expect(await kept(f.ticket.id, ts)).toEqual([]);
    expect(await deliveryOf(ts)).toBeNull();
    // The database is back: the sweep records it and works on it.
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(1);
    await s.idle();
    expect(await kept(f.ticket.id, ts)).toHaveLength(1);
    expect((await deliveryOf(ts))?.doneAt).toBeInstanceOf(Date);
    // Recorded once: the next sweep has nothing left.
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(0);
    expect(errorsShownTo(SLACK_USERS.customer)).toEqual([]);
  });

  test('a reply that could be neither recorded nor worked on survives a stop: the next process takes it from the spool and keeps it once', async () => {
    const f = await fileTicket(s, '退款申请提交三天了没有处理');
    await s.idle();
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    vi.spyOn(PrismaInboxStore.prototype, 'record').mockRejectedValueOnce(down);
    vi.spyOn(s.app.deps.tickets, 'findTicketByMessage').mockRejectedValueOnce(down);
    const ts = await reply(f.threadTs, '请尽快处理退款');
    await s.idle();
    expect(await deliveryOf(ts)).toBeNull();
    await slack().inbox.stop();
    expect(readdirSync(spoolDir)).toHaveLength(1);

    // The next process on the same data directory, its database back.
    const log = pino({ level: 'silent' });
    const next = new SlackInbox(new PrismaInboxStore(s.app.database), log, undefined, new ParkedSpool(spoolDir, log));
    expect(await next.replayUnfinished(slack().bolt)).toBe(1);
    await s.idle();
    expect(await kept(f.ticket.id, ts)).toHaveLength(1);
    expect((await deliveryOf(ts))?.doneAt).toBeInstanceOf(Date);
    expect(readdirSync(spoolDir)).toEqual([]);
    // The first process, still holding it in memory, records it again: skipped, kept once.
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(0);
    await s.idle();
    expect(await kept(f.ticket.id, ts)).toHaveLength(1);
    expect(errorsShownTo(SLACK_USERS.customer)).toEqual([]);
  });

  test('a sweep that cannot record what is kept in memory keeps it for the next one', async () => {
    const f = await fileTicket(s, '收到的商品和描述不符');
    await s.idle();
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    vi.spyOn(PrismaInboxStore.prototype, 'record').mockRejectedValueOnce(down).mockRejectedValueOnce(down);
    vi.spyOn(s.app.deps.tickets, 'findTicketByMessage').mockRejectedValueOnce(down);
    const ts = await reply(f.threadTs, '要求退货');
    await s.idle();
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(0);
    expect(await deliveryOf(ts)).toBeNull();
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(1);
    await s.idle();
    expect(await kept(f.ticket.id, ts)).toHaveLength(1);
  });
});

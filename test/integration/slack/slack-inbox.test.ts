// Nothing acknowledged is lost: a Slack delivery is recorded before it is worked on, and one left
// unfinished by a process that died is processed by a live one once its lease has run out.
import type { App, ReceiverEvent } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { deliveryKey } from '../../../bot/slack/inbox.js';
import { openDatabase } from '../../../core/store/database.js';
import { PrismaInboxStore } from '../../../core/store/inbox-store.js';
import { PROVIDERS } from '../../helpers/databases.js';
import { CHANNEL, eventually, fileTicket, SLACK_USERS, type SlackTestApp, startSlackApp } from '../../helpers/slack-app.js';
import { messageShortcut, slashCommand } from '../../helpers/slack-requests.js';

describe.each(PROVIDERS)('Slack inbox on $name', (provider) => {
  let s: SlackTestApp;
  beforeEach(async () => {
    s = await startSlackApp(await provider.fresh());
  });
  afterEach(async () => {
    await s.close();
  });

  const slack = () => {
    if (!s.app.slack) throw new Error('Slack adapter not started');
    return s.app.slack;
  };
  const deliveries = () => s.app.database.db.inboundDelivery.findMany({ orderBy: { id: 'asc' } });

  /** A shortcut that a process acknowledged and recorded, then died before working on (its lease ran out a second ago). */
  async function orphanedShortcut(text: string): Promise<{ threadTs: string; id: number }> {
    const threadTs = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text });
    const post = messageShortcut({
      userId: SLACK_USERS.lin,
      channelId: CHANNEL,
      message: { ts: threadTs, user: SLACK_USERS.customer, text },
      responseUrl: s.fake.responseUrl(`orphan-${threadTs}`),
    });
    const body = JSON.parse(new URLSearchParams(post.body).get('payload') ?? '{}') as Record<string, unknown>;
    const store = new PrismaInboxStore(s.app.database);
    const [id] = await store.record('slack', [{ deliveryKey: deliveryKey(body), payload: JSON.stringify(body) }], new Date(Date.now() - 60_000), 59_000);
    if (id === null || id === undefined) throw new Error('already recorded');
    return { threadTs, id };
  }

  test('every request is recorded before its work and marked finished after it', async () => {
    await fileTicket(s, '订单显示已签收但没收到');
    await s.idle();
    const rows = await deliveries();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveryKey).toMatch(/^trigger:/);
    expect(rows[0]?.doneAt).not.toBeNull();
  });

  test('a request is recorded before it is acknowledged: by the time Slack has its 200, the delivery is in the database', async () => {
    const texts = ['快递三天没更新', '发票抬头错了', '尺码不合适想换'];
    const answers = await Promise.all(
      texts.map((text, i) => s.post(slashCommand({ text: `new ${text}`, userId: SLACK_USERS.customer, responseUrl: s.fake.responseUrl(`ack-${i}`) }))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    // Read at once, before any of the work: every acknowledged request is already recorded.
    expect(await s.app.database.db.inboundDelivery.count()).toBe(3);
    await s.idle();
  });

  test('a delivery left unfinished by a dead process is processed by the sweep: the ticket and its card appear, once', async () => {
    const { threadTs, id } = await orphanedShortcut('买的耳机左耳没声音');
    expect(await s.app.deps.tickets.countTickets({})).toBe(0);
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(1);
    await s.idle();
    const ticket = await eventually(() =>
      s.app.deps.tickets.findTicketByConversation({ platform: 'slack', workspaceId: 'T0TEAM', channelId: CHANNEL, threadId: threadTs, messageId: '' }),
    );
    expect(ticket.title.length).toBeGreaterThan(0);
    await s.fake.waitFor('chat.postMessage', (c) => c.args.thread_ts === threadTs && JSON.stringify(c.args.blocks ?? '').includes('tb_claim'));
    expect((await deliveries()).find((d) => d.id === id)).toMatchObject({ doneAt: expect.any(Date), attempts: 2, lastError: null });
    // Finished: a second sweep has nothing to do.
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(0);
    expect(await s.app.deps.tickets.countTickets({})).toBe(1);
  });

  test('a burst is recorded at once; keys seen before, and repeats within the burst, are redeliveries', async () => {
    const store = new PrismaInboxStore(s.app.database);
    const at = new Date();
    const [first] = await store.record('slack', [{ deliveryKey: 'event:Ev1', payload: '{}' }], at, 60_000);
    const ids = await store.record(
      'slack',
      ['event:Ev1', 'event:Ev2', 'event:Ev3', 'event:Ev2'].map((deliveryKey) => ({ deliveryKey, payload: '{}' })),
      at,
      60_000,
    );
    expect(first).toEqual(expect.any(Number));
    expect(ids.map((id) => (id === null ? null : 'new'))).toEqual([null, 'new', 'new', null]);
    // Another platform's keys are its own.
    expect(await store.record('discord', [{ deliveryKey: 'event:Ev1', payload: '{}' }], at, 60_000)).toEqual([expect.any(Number)]);
  });

  test('the times recorded are the instants given, read back through Prisma, whatever the process time zone', async () => {
    const store = new PrismaInboxStore(s.app.database);
    const at = new Date('2026-12-07T09:30:15.123Z');
    const zone = process.env.TZ;
    // node-postgres writes a Date in the process's zone, which a timestamp column without zone keeps as wall time.
    process.env.TZ = 'Asia/Shanghai';
    try {
      await store.record('tz', [{ deliveryKey: 'event:tz', payload: '{}' }], at, 60_000);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    const row = await s.app.database.db.inboundDelivery.findFirstOrThrow({ where: { platform: 'tz' } });
    expect(row.receivedAt.toISOString()).toBe(at.toISOString());
    expect(row.claimedUntil.toISOString()).toBe(new Date(at.getTime() + 60_000).toISOString());
  });

  test('a burst larger than one statement is recorded whole, every delivery with its own row', async () => {
    const store = new PrismaInboxStore(s.app.database);
    const keys = Array.from({ length: 1_234 }, (_, i) => `trigger:big-${i}`);
    const ids = await store.record(
      'big',
      [...keys, keys[0] ?? ''].map((deliveryKey) => ({ deliveryKey, payload: '{}' })),
      new Date(),
      60_000,
    );
    expect(ids.slice(0, -1).every((id) => typeof id === 'number')).toBe(true);
    expect(ids.at(-1)).toBeNull();
    const rows = await s.app.database.db.inboundDelivery.findMany({ where: { platform: 'big' } });
    expect(new Map(rows.map((r) => [r.deliveryKey, r.id]))).toEqual(new Map(keys.map((k, i) => [k, ids[i]])));
  });

  test('two processes recording overlapping bursts at once: every delivery is taken by exactly one of them, and its id is its row', async () => {
    const other = await openDatabase({ provider: s.app.database.provider, url: s.app.database.url });
    try {
      const stores = [new PrismaInboxStore(s.app.database), new PrismaInboxStore(other)];
      const keys = Array.from({ length: 60 }, (_, i) => `trigger:T${i}`);
      const at = new Date();
      for (let round = 0; round < 3; round++) {
        const bursts = [keys.slice(0, 40), keys.slice(20)].map((part) => part.map((deliveryKey) => ({ deliveryKey, payload: `{"round":${round}}` })));
        const results = await Promise.all(stores.map((store, i) => store.record(`race-${round}`, bursts[i] ?? [], at, 60_000)));
        const taken = new Map<string, number>();
        for (const [i, ids] of results.entries()) {
          for (const [j, id] of ids.entries()) {
            const key = bursts[i]?.[j]?.deliveryKey ?? '';
            if (id === null) continue;
            expect(taken.has(key), `${key} taken twice`).toBe(false);
            taken.set(key, id);
          }
        }
        const rows = await s.app.database.db.inboundDelivery.findMany({ where: { platform: `race-${round}` } });
        expect(rows).toHaveLength(60);
        expect(new Map(rows.map((r) => [r.deliveryKey, r.id]))).toEqual(taken);
      }
    } finally {
      await other.close();
    }
  });

  test('a delivery still leased to a live process is not taken over', async () => {
    const threadTs = s.fake.addMessage(CHANNEL, { user: SLACK_USERS.customer, text: '还在处理中' });
    const store = new PrismaInboxStore(s.app.database);
    const payload = JSON.stringify({ type: 'message_action', trigger_id: 'live', thread: threadTs });
    await store.record('slack', [{ deliveryKey: 'trigger:live', payload }], new Date(), 600_000);
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(0);
  });

  test('a delivery Bolt drops before the app sees it (a payload type it does not know) is finished with the reason, not left to be replayed', async () => {
    const unknown = {
      body: new URLSearchParams({ payload: JSON.stringify({ type: 'some_future_type', trigger_id: 'T0FUTURE', team: { id: 'T0TEAM' } }) }).toString(),
      contentType: 'application/x-www-form-urlencoded' as const,
    };
    expect((await s.post(unknown)).status).toBe(200);
    await fileTicket(s, '这单的快递三天没动了');
    await s.idle();
    const rows = await deliveries();
    expect(rows).toHaveLength(2);
    expect(rows.find((d) => d.deliveryKey === 'trigger:T0FUTURE')).toMatchObject({
      doneAt: expect.any(Date),
      lastError: expect.stringContaining('not handled by the app'),
    });
    // What the app handled is finished without an error.
    expect(rows.find((d) => d.deliveryKey !== 'trigger:T0FUTURE')).toMatchObject({ doneAt: expect.any(Date), lastError: null });
    // Nothing is left for the sweep.
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(0);
  });

  test('a known payload the middleware never saw (Bolt could not authorize it: maybe a passing outage) stays unfinished for the sweep', async () => {
    const inbox = slack().inbox;
    const body = Object.fromEntries(
      new URLSearchParams(slashCommand({ text: 'new 物流不动', userId: SLACK_USERS.customer, responseUrl: s.fake.responseUrl('x') }).body),
    );
    const [props] = await inbox.recordBurst([body]);
    // What Bolt does when authorization fails: it reports the error and returns without running any middleware.
    const unauthorized = { processEvent: async () => {} } as unknown as App;
    await inbox.process(unauthorized, { body, ack: async () => {}, customProperties: props ?? {} });
    expect((await deliveries()).at(-1)).toMatchObject({ doneAt: null, lastError: null });
  });

  test('the same delivery in flight twice in one process (its own sweep replayed it): the first to end does not finish the other with an error', async () => {
    const inbox = slack().inbox;
    // A type Bolt would not route, so that only the count of runs in flight keeps the second settle from finishing it.
    const body = { type: 'some_future_type', trigger_id: 'T0TWICE' };
    const [props] = await inbox.recordBurst([body]);
    const middleware = inbox.middleware();
    // An app whose only middleware is the inbox's; two runs of the delivery overlap.
    const app = {
      processEvent: (event: ReceiverEvent) =>
        middleware({ body: event.body, context: { ...event.customProperties }, next: async () => {} } as unknown as Parameters<typeof middleware>[0]),
    } as unknown as App;
    const event = { body, ack: async () => {}, customProperties: props ?? {} };
    await Promise.all([inbox.process(app, event), inbox.process(app, event)]);
    expect((await deliveries()).at(-1)).toMatchObject({ doneAt: expect.any(Date), lastError: null });
  });

  test('a delivery that keeps failing is given up after five attempts, logged and finished, not retried forever', async () => {
    const { id } = await orphanedShortcut('这条一直处理失败');
    await s.app.database.db.inboundDelivery.update({ where: { id }, data: { attempts: 5 } });
    expect(await slack().inbox.replayUnfinished(slack().bolt)).toBe(1);
    expect(await s.app.deps.tickets.countTickets({})).toBe(0);
    expect((await deliveries()).find((d) => d.id === id)).toMatchObject({ doneAt: expect.any(Date), lastError: 'given up after 5 attempts' });
  });
});

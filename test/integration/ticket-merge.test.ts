import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TicketStore } from '../../core/ports.js';
import { addReply } from '../../core/tickets/add-reply.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { closeTicket, mergeTicket } from '../../core/tickets/ticket-actions.js';
import type { ConversationRef } from '../../core/tickets/types.js';
import { agent, makeCore, supervisor, type TestCore } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

const lin = agent('lin');

/** A Slack thread as the adapter names it. */
const thread = (ts: string): ConversationRef => ({ platform: 'slack', workspaceId: 'T0SHOP', channelId: 'C0SUPPORT', threadId: ts, messageId: ts });

describe.each(PROVIDERS)('merging tickets on $name', (provider) => {
  let core: TestCore;
  beforeEach(async () => {
    core = await makeCore(await provider.fresh());
  });
  afterEach(async () => {
    await core.close();
  });

  /** A customer's message in a Slack thread (a new ticket, or a reply on the thread's ticket). */
  const say = (ts: string, id: string, text: string, customer = 'U0CUST') =>
    intakeMessage(core.deps, {
      platform: 'slack',
      platformMessageId: `C0SUPPORT:${id}`,
      conversation: thread(ts),
      author: { platformUserId: customer },
      text,
      channel: 'slack',
    });
  const threadsOf = async (id: number) => (await core.deps.tickets.listConversations(id)).map((c) => c.threadId);

  test("the duplicate's thread goes on on the surviving ticket: later messages there are added to it", async () => {
    const kept = await say('1.0', '1.0', '快递三天没动了，订单 88123');
    const dup = await say('2.0', '2.0', '我的快递怎么还没到？');
    await mergeTicket(core.deps, dup.ticket.id, supervisor, kept.ticket.id);

    // Replies on the kept ticket are relayed to its threads: the duplicate's thread is one of them now.
    expect(await threadsOf(kept.ticket.id)).toEqual(['1.0', '2.0']);
    expect(await threadsOf(dup.ticket.id)).toEqual([]);

    const again = await say('2.0', '2.1', '还是没有物流信息');
    expect(again).toMatchObject({ outcome: 'appended', ticket: { id: kept.ticket.id } });
    expect(await core.deps.tickets.countTickets({})).toBe(2);
    const bodies = (await core.deps.tickets.listMessages(kept.ticket.id, { includeInternal: false })).map((m) => m.body);
    expect(bodies).toEqual(['快递三天没动了，订单 88123', '还是没有物流信息']);
  });

  test("another customer's ticket merged in keeps its thread: replies on the kept ticket never reach it, and their next message opens a follow-up", async () => {
    const kept = await say('1.0', '1.0', '快递三天没动了，订单 88123', 'U0ALICE');
    const dup = await say('2.0', '2.0', '我的快递也没动', 'U0BOB');
    await mergeTicket(core.deps, dup.ticket.id, supervisor, kept.ticket.id);
    expect(await threadsOf(kept.ticket.id)).toEqual(['1.0']);
    expect(await threadsOf(dup.ticket.id)).toEqual(['2.0']);

    const again = await say('2.0', '2.1', '还是没有物流信息', 'U0BOB');
    expect(again.outcome).toBe('created');
    expect(again.ticket.id).not.toBe(kept.ticket.id);
    expect(await threadsOf(again.ticket.id)).toEqual(['2.0']);
    expect(await threadsOf(kept.ticket.id)).toEqual(['1.0']);
  });

  test('a message racing the merge (its ticket looked up just before) still lands on the surviving ticket', async () => {
    const kept = await say('1.0', '1.0', '快递三天没动了');
    const dup = await say('2.0', '2.0', '快递还没到');
    // The merge commits between intake's lookup of the thread and its write.
    const store = core.deps.tickets;
    let raced = false;
    const racing = new Proxy(store, {
      get: (target, key) =>
        key === 'findTicketByConversation'
          ? async (ref: ConversationRef) => {
              const found = await store.findTicketByConversation(ref);
              if (!raced) {
                raced = true;
                await mergeTicket(core.deps, dup.ticket.id, supervisor, kept.ticket.id);
              }
              return found;
            }
          : Reflect.get(target, key, target),
    }) as TicketStore;
    const again = await intakeMessage(
      { ...core.deps, tickets: racing },
      {
        platform: 'slack',
        platformMessageId: 'C0SUPPORT:2.1',
        conversation: thread('2.0'),
        author: { platformUserId: 'U0CUST' },
        text: '在吗？',
        channel: 'slack',
      },
    );
    expect(again).toMatchObject({ outcome: 'appended', ticket: { id: kept.ticket.id } });
  });

  test('observers hear of both tickets: the duplicate closed and the target it was merged into', async () => {
    const kept = await say('1.0', '1.0', '快递三天没动了');
    const dup = await say('2.0', '2.0', '快递还没到');
    core.changes.length = 0;
    await mergeTicket(core.deps, dup.ticket.id, supervisor, kept.ticket.id);
    expect(core.changes.map((c) => [c.action, c.ticket.id, c.before?.version, c.ticket.version])).toEqual([
      ['merge', dup.ticket.id, dup.ticket.version, dup.ticket.version + 1],
      ['merged_in', kept.ticket.id, kept.ticket.version, kept.ticket.version + 1],
    ]);
  });

  test('the note on the target is part of the merge: nothing written after it can fail a merge that committed', async () => {
    const kept = await say('1.0', '1.0', '快递三天没动了');
    const dup = await say('2.0', '2.0', '快递还没到');
    // A store whose separate message writes fail (the database gone for a moment after the merge's commit).
    const store = core.deps.tickets;
    const failing = new Proxy(store, {
      get: (target, key) => (key === 'addMessage' ? () => Promise.reject(new Error('connection lost')) : Reflect.get(target, key, target)),
    }) as TicketStore;
    const merged = await mergeTicket({ ...core.deps, tickets: failing }, dup.ticket.id, supervisor, kept.ticket.id);
    expect(merged).toMatchObject({ status: 'closed', duplicateOfId: kept.ticket.id });
    const notes = (await store.listMessages(kept.ticket.id, { includeInternal: true })).filter((m) => m.visibility === 'internal');
    expect(notes.map((m) => m.body)).toEqual([`${dup.ticket.number} → ${kept.ticket.number} (duplicate)`]);
  });

  test('a thread still linked to a merged ticket (merged before threads moved) follows the merges to the open ticket, and moves there', async () => {
    const first = await say('1.0', '1.0', '快递三天没动了');
    const second = await say('2.0', '2.0', '快递还没到');
    const third = await say('3.0', '3.0', '快递到底什么时候到');
    await mergeTicket(core.deps, third.ticket.id, supervisor, second.ticket.id);
    await mergeTicket(core.deps, second.ticket.id, supervisor, first.ticket.id);
    // As a merge left it before it moved threads: the thread still points at the first duplicate of a chain.
    await core.deps.tickets.linkConversation(third.ticket.id, thread('3.0'));

    const again = await say('3.0', '3.1', '在吗？');
    expect(again).toMatchObject({ outcome: 'appended', ticket: { id: first.ticket.id } });
    expect((await core.deps.tickets.findTicketByConversation(thread('3.0')))?.id).toBe(first.ticket.id);
  });

  test('when the ticket merged into is closed, a new message in the thread opens a follow-up as after any close', async () => {
    const kept = await say('1.0', '1.0', '快递三天没动了');
    const dup = await say('2.0', '2.0', '快递还没到');
    await mergeTicket(core.deps, dup.ticket.id, supervisor, kept.ticket.id);
    await addReply(core.deps, kept.ticket.id, lin, { body: '已经催件了' });
    await closeTicket(core.deps, kept.ticket.id, supervisor, 'done');

    const later = await say('2.0', '2.1', '又有一个问题：发票怎么开');
    expect(later.outcome).toBe('created');
    expect(later.ticket.id).not.toBe(kept.ticket.id);
    expect((await core.deps.tickets.findTicketByConversation(thread('2.0')))?.id).toBe(later.ticket.id);
    expect(await threadsOf(kept.ticket.id)).toEqual(['1.0']);
  });

  test("an adapter's order id of '#' is no order reference; '# so-1' is SO-1", async () => {
    const { ticket } = await intakeMessage(core.deps, {
      platform: 'web',
      platformMessageId: 'w-1',
      author: { platformUserId: 'c-1' },
      text: '发票怎么开',
      orderIds: ['#', '＃', '# so-1'],
      channel: 'web',
    });
    expect(ticket.orderNumbers).toEqual(['SO-1']);
  });
});

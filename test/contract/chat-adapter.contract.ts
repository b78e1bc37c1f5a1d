// The contract every chat adapter passes (Slack first; Discord and WeChat later): a group-chat message
// becomes a ticket with a card in its thread, staff work it from the chat, the card follows every
// change, customers cannot do staff things, thread replies land on the ticket, and notifications reach
// their recipient on the platform. Each adapter supplies a harness that drives its real SDK against a
// protocol-level fake of the platform.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { App } from '../../bot/app.js';
import { assignTicket } from '../../core/tickets/ticket-actions.js';
import type { Ticket } from '../../core/tickets/types.js';
import { eventually } from '../helpers/slack-app.js';

/** Who acts in the chat: a configured agent, their supervisor, or a customer the config does not know. */
export type ChatUser = 'lin' | 'li' | 'customer';

/** A ticket's place on the platform, as the harness knows it. */
export interface ChatThread {
  ticketId: number;
}

export interface ChatHarness {
  app: App;
  /** A customer's group-chat message is turned into a ticket the platform's way; resolves once the ticket exists. */
  createTicket(text: string): Promise<ChatThread>;
  /** The platform's claim control (button, command), used by `who`. */
  claim(thread: ChatThread, who: ChatUser): Promise<void>;
  /** The platform's close control, used by `who`. */
  close(thread: ChatThread, who: ChatUser): Promise<void>;
  /** `who` writes in the ticket's thread. */
  reply(thread: ChatThread, who: ChatUser, text: string): Promise<void>;
  /** Text of the ticket card as the platform shows it now (its latest version). */
  cardText(thread: ChatThread): Promise<string>;
  /** Texts shown only to `who` (ephemeral answers, refusals), oldest first. */
  privateTo(who: ChatUser): Promise<string[]>;
  /** Texts the platform delivered where `who` sees them as a notification (a DM, or a mention in the thread). */
  notificationsTo(who: ChatUser): Promise<string[]>;
  /** Waits until the adapter has no outbound work in flight (card updates). */
  idle(): Promise<void>;
  /** Stops the app and the fake platform. */
  stop(): Promise<void>;
}

export function chatAdapterContract(name: string, start: () => Promise<ChatHarness>): void {
  describe(`chat adapter contract: ${name}`, () => {
    let h: ChatHarness;
    beforeEach(async () => {
      h = await start();
    });
    afterEach(async () => {
      await h.stop();
    });

    const ticketOf = async (thread: ChatThread): Promise<Ticket> => {
      const ticket = await h.app.deps.tickets.findTicket(thread.ticketId);
      if (!ticket) throw new Error(`ticket ${thread.ticketId} is gone`);
      return ticket;
    };
    const cardShows = async (thread: ChatThread, text: string) => {
      await h.idle();
      return eventually(async () => (await h.cardText(thread)).includes(text) || undefined);
    };

    test('create: the message becomes a triaged ticket, linked to its thread, with a card showing it', async () => {
      const thread = await h.createTicket('我买的外套有破洞，订单 202611010012，想退货退款');
      const ticket = await ticketOf(thread);
      expect(ticket.status).toBe('new');
      expect(ticket.orderNumbers).toContain('202611010012');
      expect(await h.app.deps.tickets.listConversations(ticket.id)).not.toEqual([]);
      await cardShows(thread, ticket.number);
    });

    test('claim: an agent claims from the chat; the ticket is theirs and the card says so', async () => {
      const thread = await h.createTicket('The parcel has not arrived after 10 days');
      await h.claim(thread, 'lin');
      await eventually(async () => (await ticketOf(thread)).assigneeId === 'lin');
      expect((await ticketOf(thread)).status).toBe('assigned');
      await cardShows(thread, 'assigned');
    });

    test('a customer cannot claim: they are told so privately, and nothing changes', async () => {
      const thread = await h.createTicket('The parcel has not arrived after 10 days');
      await h.claim(thread, 'customer');
      const refusals = await eventually(async () => {
        const texts = await h.privateTo('customer');
        return texts.length ? texts : undefined;
      });
      expect(refusals.join('\n')).toMatch(/permission|may not|没有权限|only|只有/i);
      expect(await ticketOf(thread)).toMatchObject({ status: 'new', assigneeId: null });
    });

    test('close: the owner closes it from the chat; the card drops its controls and shows closed', async () => {
      const thread = await h.createTicket('The parcel has not arrived after 10 days');
      await h.claim(thread, 'lin');
      await eventually(async () => (await ticketOf(thread)).assigneeId === 'lin');
      await h.close(thread, 'lin');
      await eventually(async () => (await ticketOf(thread)).status === 'closed');
      await cardShows(thread, 'closed');
    });

    test('thread replies are kept on the ticket with the right author', async () => {
      const thread = await h.createTicket('The parcel has not arrived after 10 days');
      await h.reply(thread, 'customer', 'Any news? I need it by Friday');
      await h.reply(thread, 'lin', 'Checking with the courier now');
      const messages = await eventually(async () => {
        const list = await h.app.deps.tickets.listMessages(thread.ticketId, { includeInternal: false });
        return list.length >= 3 ? list : undefined;
      });
      expect(messages.map((m) => [m.authorKind, m.body])).toEqual(
        expect.arrayContaining([
          ['customer', 'Any news? I need it by Friday'],
          ['agent', 'Checking with the courier now'],
        ]),
      );
      expect((await ticketOf(thread)).firstResponseAt).not.toBeNull();
    });

    test('a change made elsewhere (another platform or the API) updates the card', async () => {
      const thread = await h.createTicket('The parcel has not arrived after 10 days');
      await assignTicket(h.app.deps, thread.ticketId, { role: 'supervisor', agentId: 'li', name: 'li', platform: 'api' }, 'lin');
      await cardShows(thread, 'assigned');
    });

    test('notification: an assignment reaches the assignee on the platform', async () => {
      const thread = await h.createTicket('The parcel has not arrived after 10 days');
      await assignTicket(h.app.deps, thread.ticketId, { role: 'supervisor', agentId: 'li', name: 'li', platform: 'api' }, 'lin');
      await h.app.automation.dispatcher.runOnce();
      const ticket = await ticketOf(thread);
      const texts = await eventually(async () => {
        const got = await h.notificationsTo('lin');
        return got.some((x) => x.includes(ticket.number)) ? got : undefined;
      });
      expect(texts.join('\n')).toContain(ticket.number);
    });
  });
}

// What ticketbot posts to Slack: ticket cards (posted once per thread, then updated in place after
// every change from any platform), notifications, and replies sent on an agent's behalf.
import type { webApi } from '@slack/bolt';
import type { Lang } from '../../core/i18n/translate.js';
import type { ChatGateway, OutboundNotification } from '../../core/ports.js';
import type { TicketDeps } from '../../core/tickets/deps.js';
import type { ConversationRef, LinkedConversation, Ticket } from '../../core/tickets/types.js';
import type { Logger } from '../logger.js';
import { escapeMrkdwn, ticketCard } from './render.js';

/** Where a message goes in Slack: a channel, and the thread in it (absent: a new top-level message). */
export interface SlackPlace {
  workspaceId: string;
  channelId: string;
  threadTs?: string | undefined;
}

export const slackRef = (place: SlackPlace & { threadTs: string }, messageId = ''): ConversationRef => ({
  platform: 'slack',
  workspaceId: place.workspaceId,
  channelId: place.channelId,
  threadId: place.threadTs,
  messageId,
});

const RETRY_DELAYS_MS = [1_000, 5_000, 15_000];

/** Slack errors that no retry fixes. */
const PERMANENT = new Set([
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'user_not_found',
  'cannot_dm_bot',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'restricted_action',
  'cant_update_message',
]);

/** The Web API's error code of a failed call (`platform_error` carries it in `data.error`). */
function slackError(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export class SlackOutbound implements ChatGateway {
  /** Per ticket: the card refresh in flight, and whether another change came in meanwhile. */
  private readonly refreshing = new Map<number, { run: Promise<void>; again: boolean }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly deps: TicketDeps,
    private readonly logger: Logger,
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  get lang(): Lang {
    return this.deps.config.locale;
  }

  /** The agent's Slack user id, from their configured identities. */
  slackUserOf(agentId: string | null): string | null {
    if (!agentId) return null;
    const agent = this.deps.config.agents.find((a) => a.id === agentId);
    return agent?.identities.find((i) => i.platform === 'slack')?.userId ?? null;
  }

  private assigneeLabel(ticket: Ticket): string | null {
    if (!ticket.assigneeId) return null;
    const slackUser = this.slackUserOf(ticket.assigneeId);
    if (slackUser) return `<@${slackUser}>`;
    return escapeMrkdwn(this.deps.config.agents.find((a) => a.id === ticket.assigneeId)?.name ?? ticket.assigneeId);
  }

  private async card(ticket: Ticket) {
    return ticketCard(ticket, { config: this.deps.config, lang: this.lang, assignee: this.assigneeLabel(ticket), changedBy: await this.changedBy(ticket.id) });
  }

  /** Who last set the priority and the category by hand (the system's escalations do not count). */
  private async changedBy(ticketId: number): Promise<{ priority?: string; category?: string }> {
    const events = await this.deps.tickets.listEvents(ticketId);
    const by = (action: string) => {
      const last = events.filter((e) => e.action === action && e.actorRole !== 'system' && e.actorId).at(-1);
      return last?.actorId ? (this.deps.config.agents.find((a) => a.id === last.actorId)?.name ?? last.actorId) : undefined;
    };
    const priority = by('set_priority');
    const category = by('set_category');
    return { ...(priority ? { priority } : {}), ...(category ? { category } : {}) };
  }

  /** Posts the ticket card in a thread (or as a new message, whose thread becomes the ticket's) and links it. */
  async postCard(ticket: Ticket, place: SlackPlace): Promise<ConversationRef> {
    const card = await this.card(ticket);
    const posted = await this.client.chat.postMessage({ channel: place.channelId, ...(place.threadTs ? { thread_ts: place.threadTs } : {}), ...card });
    const ts = posted.ts;
    if (!ts) throw new Error('chat.postMessage returned no ts');
    const ref = slackRef({ ...place, threadTs: place.threadTs ?? ts }, place.threadTs ?? ts);
    await this.deps.tickets.linkConversation(ticket.id, ref);
    await this.deps.tickets.setCardMessage(ref, ts);
    // A change made between rendering and recording the card found no card to update: catch up.
    const now = await this.deps.tickets.findTicket(ticket.id);
    if (now && now.version !== ticket.version) await this.refreshCards(ticket.id);
    return ref;
  }

  /**
   * Re-renders the ticket's cards from the database. Coalesced per ticket (a burst of changes is one or
   * two updates) and retried with backoff; a card that cannot be updated is logged, and the next change
   * renders the whole state again, so nothing is lost but a stale card in between.
   */
  refreshCards(ticketId: number): Promise<void> {
    const pending = this.refreshing.get(ticketId);
    if (pending) {
      pending.again = true;
      return pending.run;
    }
    const entry = { run: Promise.resolve(), again: false };
    entry.run = (async () => {
      try {
        do {
          entry.again = false;
          await this.updateCards(ticketId);
        } while (entry.again);
      } finally {
        this.refreshing.delete(ticketId);
      }
    })();
    this.refreshing.set(ticketId, entry);
    return entry.run;
  }

  /** Waits for every card refresh in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.refreshing.size) await Promise.allSettled([...this.refreshing.values()].map((e) => e.run));
  }

  private async updateCards(ticketId: number): Promise<void> {
    const conversations = (await this.deps.tickets.listConversations(ticketId, 'slack')).filter((c) => c.cardMessageId);
    if (!conversations.length) return;
    const ticket = await this.deps.tickets.findTicket(ticketId);
    if (!ticket) return;
    const card = await this.card(ticket);
    for (const c of conversations) await this.withRetries(() => this.client.chat.update({ channel: c.channelId, ts: c.cardMessageId, ...card }), ticket, c);
  }

  private async withRetries(call: () => Promise<unknown>, ticket: Ticket, c: LinkedConversation): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await call();
        return;
      } catch (err) {
        if (slackError(err) === 'message_not_found') {
          // The card was deleted in Slack: stop updating it (the thread stays linked).
          await this.deps.tickets.setCardMessage(c, '');
          return;
        }
        const delay = PERMANENT.has(slackError(err) ?? '') ? undefined : this.retryDelaysMs[attempt];
        if (delay === undefined) {
          this.logger.error({ err, ticket: ticket.number, channel: c.channelId }, 'could not update the Slack ticket card');
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Posts a public reply in the ticket's thread on an agent's behalf; returns the message ts. */
  async postReply(place: SlackPlace & { threadTs: string }, agentName: string, text: string): Promise<string> {
    const posted = await this.client.chat.postMessage({
      channel: place.channelId,
      thread_ts: place.threadTs,
      text: `*${escapeMrkdwn(agentName)}*: ${escapeMrkdwn(text)}`,
    });
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    return posted.ts;
  }

  async ephemeral(channelId: string, userId: string, text: string, threadTs?: string, blocks?: unknown[]): Promise<void> {
    await this.client.chat.postEphemeral({
      channel: channelId,
      user: userId,
      text,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(blocks ? { blocks: blocks as never } : {}),
    });
  }

  /**
   * ChatGateway: a notification about a ticket with a Slack thread goes to that thread, with the recipient
   * mentioned. Staff notifications never go where a customer reads: when the ticket's requester is a
   * customer, they go to the recipient's direct messages instead. Customer nudges, and agents' replies
   * made elsewhere (the web console, another platform), go to the thread.
   * Throws on a Slack error (the dispatcher retries); at least once, so a retry may repeat a post.
   */
  async notify(n: OutboundNotification): Promise<void> {
    try {
      await this.post(n);
    } catch (err) {
      // Retrying cannot help a channel that is gone or closed to the bot: log it and let it go.
      if (!PERMANENT.has(slackError(err) ?? '')) throw err;
      this.logger.warn({ err, notification: n.id, ticket: n.ticket?.number ?? null }, 'Slack refused a notification for good; not retrying');
    }
  }

  private async post(n: OutboundNotification): Promise<void> {
    const thread = n.ticket ? (await this.deps.tickets.listConversations(n.ticket.id, 'slack'))[0] : undefined;
    const mention = this.slackUserOf(n.recipient?.id ?? null);
    // Plain text (it quotes ticket titles, i.e. customer text) posted as mrkdwn: escaped, so it cannot @channel or spoof links.
    const text = escapeMrkdwn(n.text);
    if (n.audience === 'customer') {
      if (thread && n.shownOn !== 'slack') await this.client.chat.postMessage({ channel: thread.channelId, thread_ts: thread.threadId, text });
      return;
    }
    const customerReads = n.ticket?.customerId !== null && n.ticket?.customerId !== undefined;
    if (thread && !customerReads) {
      await this.client.chat.postMessage({ channel: thread.channelId, thread_ts: thread.threadId, text: mention ? `<@${mention}> ${text}` : text });
    } else if (mention) {
      await this.client.chat.postMessage({ channel: mention, text });
    }
  }
}

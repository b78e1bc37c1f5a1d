// Everything Slack sends ticketbot outside the card: shortcuts, reactions, the slash command, mentions
// and thread replies (the card's buttons and modals are in card-actions.ts). Every listener acknowledges
// first (Slack's 3-second rule) and then works; refusals go back to the one user, ephemeral and polite.
import type { App } from '@slack/bolt';
import { executeCommand } from '../../core/commands/execute-command.js';
import { parseCommand } from '../../core/commands/grammar.js';
import { AppError, toAppError } from '../../core/errors.js';
import { detectLang, type Lang, render, t } from '../../core/i18n/translate.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { resolveActor } from '../../core/tickets/resolve-actor.js';
import type { Ticket } from '../../core/tickets/types.js';
import { isTransient } from '../../core/transient.js';
import { afterAck } from '../after-ack.js';
import { registerCardActions, registerModals } from './card-actions.js';
import { type SlackPlace, slackRef } from './outbound.js';
import {
  type InboundContext,
  messageContent,
  messageId,
  type SlackMessage,
  teamOf,
  ZChannelMessage,
  ZMention,
  ZMessageShortcut,
  ZReaction,
  ZSlackMessage,
} from './payloads.js';
import { registerSelfService } from './self-service.js';

export type { InboundContext } from './payloads.js';

/** The callback id of the "Create ticket / 创建工单" message shortcut (see manifest.json). */
export const CREATE_SHORTCUT = 'create_ticket';

export function registerInbound(app: App, ctx: InboundContext): void {
  const { deps, out, settings, logger } = ctx;
  const botMention = (text: string, botUserId: string | undefined) => !!botUserId && text.includes(`<@${botUserId}>`);
  const actorOf = (userId: string) => resolveActor(deps.directory, 'slack', userId);
  const lang = (): Lang => deps.config.locale;

  /** Tells one user why something did not happen (an AppError's message; else a reference to the log). */
  async function refuse(error: unknown, where: { channel: string; user: string; threadTs?: string | undefined }, language: Lang = lang()): Promise<void> {
    const e = toAppError(error);
    if (e.code === 'INTERNAL') logger.error({ err: error, ref: e.ref }, 'Slack request failed');
    await out.ephemeral(where.channel, where.user, render(language, e.userMessage), where.threadTs).catch((err: unknown) => {
      logger.warn({ err }, 'could not tell the Slack user why their request failed');
    });
  }

  /** A message in a linked thread, kept on its ticket (idempotent by channel and ts). */
  function keepThreadMessage(
    m: { channel: string; ts: string; user: string; text: string; files?: SlackMessage['files'] },
    place: SlackPlace & { threadTs: string },
  ) {
    return intakeMessage(deps, {
      platform: 'slack',
      platformMessageId: messageId(m.channel, m.ts),
      conversation: slackRef(place, m.ts),
      author: { platformUserId: m.user },
      ...messageContent(m),
      channel: 'slack',
    });
  }

  /**
   * A new message in a closed ticket's thread opens a follow-up ticket, which takes over the thread's link;
   * the card on that link is the closed ticket's. Detach it first, or the follow-up's first card refresh
   * (on its creation, before its own card is posted) would redraw the closed ticket's card as the follow-up.
   */
  async function detachClosedCard(linked: Ticket | null, place: SlackPlace & { threadTs: string }, ts: string): Promise<void> {
    if (linked?.status !== 'closed') return;
    if (await deps.tickets.findTicketByMessage('slack', messageId(place.channelId, ts))) return; // a redelivery: no follow-up
    await deps.tickets.setCardMessage(slackRef(place), '');
  }

  /** Turns a channel message into a ticket linked to its thread, with the card posted in that thread. */
  async function ticketFromMessage(p: {
    workspaceId: string;
    channelId: string;
    message: SlackMessage;
    requestedBy: string;
    redelivery?: boolean;
  }): Promise<Ticket | null> {
    const { message } = p;
    const where = { channel: p.channelId, user: p.requestedBy, threadTs: message.thread_ts ?? message.ts };
    const content = messageContent(message);
    if (!content.text) {
      await refuse(AppError.user('INVALID_INPUT', 'slack.noMessage'), where);
      return null;
    }
    const threadTs = message.thread_ts ?? message.ts;
    const place = { workspaceId: p.workspaceId, channelId: p.channelId, threadTs };
    const linked = await deps.tickets.findTicketByConversation(slackRef(place));
    if (linked && linked.status !== 'closed') {
      if (!p.redelivery) await out.ephemeral(p.channelId, p.requestedBy, t(lang(), 'slack.alreadyTicket', { number: linked.number }), threadTs);
      return linked;
    }
    await detachClosedCard(linked, place, message.ts);
    const { ticket, outcome } = await intakeMessage(deps, {
      platform: 'slack',
      platformMessageId: messageId(p.channelId, message.ts),
      conversation: slackRef(place, message.ts),
      // A bot's message (an integration's alert, say) is filed under the person who asked for the ticket.
      author: { platformUserId: message.bot_id || !message.user ? p.requestedBy : message.user },
      ...content,
      channel: 'slack',
    });
    if (outcome === 'created') await out.postCard(ticket, place);
    // A redelivered event (Slack retried while the first was still being handled) says nothing twice.
    else if (!p.redelivery) await out.ephemeral(p.channelId, p.requestedBy, t(lang(), 'slack.alreadyTicket', { number: ticket.number }), threadTs);
    return ticket;
  }

  /** Reads one message by ts: top-level from the channel history, else from its thread. */
  async function fetchMessage(channel: string, ts: string): Promise<SlackMessage | null> {
    const history = await ctx.client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
    const top = (history.messages ?? []).find((m) => m.ts === ts);
    if (top) return ZSlackMessage.parse(top);
    // A reply: conversations.replies lists its thread parent first, so a limit of 1 would only ever see the parent.
    let cursor: string | undefined;
    do {
      const replies = await ctx.client.conversations.replies({ channel, ts, oldest: ts, inclusive: true, limit: 100, ...(cursor ? { cursor } : {}) });
      const inThread = (replies.messages ?? []).find((m) => m.ts === ts);
      if (inThread) return ZSlackMessage.parse(inThread);
      cursor = replies.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return null;
  }

  const selfService = registerSelfService(app, ctx, { refuse, actorOf, lang }, { file: ticketFromMessage, fetch: fetchMessage });

  // Message shortcut "Create ticket / 创建工单".
  app.shortcut(CREATE_SHORTCUT, async ({ shortcut, ack }) => {
    await ack();
    await afterAck();
    const s = ZMessageShortcut.parse(shortcut);
    await ticketFromMessage({ workspaceId: s.team?.id ?? '', channelId: s.channel.id, message: s.message, requestedBy: s.user.id }).catch((error) =>
      refuse(error, { channel: s.channel.id, user: s.user.id, threadTs: s.message.thread_ts ?? s.message.ts }),
    );
  });

  // The ticket reaction (default :ticket:) on any message.
  app.event('reaction_added', async ({ event, body, context }) => {
    await afterAck();
    const r = ZReaction.parse(event);
    const { channel, ts } = r.item;
    if (r.reaction !== settings.emoji || r.item.type !== 'message' || !channel || !ts) return;
    const where = { channel, user: r.user, threadTs: ts };
    try {
      const message = await fetchMessage(channel, ts);
      if (!message) return refuse(AppError.user('INVALID_INPUT', 'slack.noMessage'), where);
      await ticketFromMessage({ workspaceId: teamOf(body), channelId: channel, message, requestedBy: r.user, redelivery: (context.retryNum ?? 0) > 0 });
    } catch (error) {
      await refuse(error, where);
    }
  });

  // `/ticket <command>`: the shared grammar; `new` posts a card in the channel, the rest answer ephemerally.
  app.command(settings.command, async ({ command, ack, respond }) => {
    await ack();
    await afterAck();
    const parsed = parseCommand(command.text, lang());
    const reply = (text: string) => respond({ response_type: 'ephemeral', text });
    if (!parsed.ok) {
      await reply([render(parsed.lang, parsed.problem), ...parsed.usage.map((u) => `• ${render(parsed.lang, u)}`)].join('\n'));
      return;
    }
    try {
      const actor = await actorOf(command.user_id);
      const workspaceId = command.team_id;
      const result = await executeCommand(deps, parsed.command, {
        actor,
        lang: parsed.lang,
        inbound: {
          platform: 'slack',
          // A slash command has no message id; its trigger id is unique per invocation.
          platformMessageId: `command:${command.trigger_id}`,
          author: { platformUserId: command.user_id, name: command.user_name },
          channel: 'slack',
        },
      });
      if (parsed.command.verb === 'new' && result.ticket) {
        const linked = await deps.tickets.listConversations(result.ticket.id, 'slack');
        if (!linked.length) await out.postCard(result.ticket, { workspaceId, channelId: command.channel_id });
      }
      await reply(result.text);
    } catch (error) {
      const e = toAppError(error);
      if (e.code === 'INTERNAL') logger.error({ err: error, ref: e.ref }, 'Slack command failed');
      await reply(render(parsed.lang, e.userMessage));
    }
  });

  // @ticketbot in a thread: a command for the thread's ticket, or (no ticket yet) file the thread as one.
  app.event('app_mention', async ({ event, body, context }) => {
    await afterAck();
    const m = ZMention.parse(event);
    if (!m.user) return;
    const bot = context.botUserId ? `<@${context.botUserId}>` : null;
    const text = (bot ? m.text.split(bot).join(' ') : m.text).trim();
    const threadTs = m.thread_ts ?? m.ts;
    const place = { workspaceId: teamOf(body), channelId: m.channel, threadTs };
    const where = { channel: m.channel, user: m.user, threadTs };
    try {
      const linked = await deps.tickets.findTicketByConversation(slackRef(place));
      const actor = await actorOf(m.user);
      // Staff may command the thread's ticket; what customers write is always their message.
      const parsed = text && actor.role !== 'customer' ? parseCommand(text, detectLang(text)) : null;
      if (linked && parsed && !parsed.ok && parsed.problem.key === 'usage.bad') {
        await out.ephemeral(
          m.channel,
          m.user,
          [render(parsed.lang, parsed.problem), ...parsed.usage.map((u) => `• ${render(parsed.lang, u)}`)].join('\n'),
          threadTs,
        );
        return;
      }
      if (linked && parsed?.ok && parsed.command.verb !== 'new') {
        const { command } = parsed;
        // The mention itself stays in the thread for everyone to read: an internal note must not go this way.
        if (command.verb === 'note' || (command.verb === 'transfer' && command.note)) throw AppError.user('INVALID_INPUT', 'slack.noteInThread');
        const result = await executeCommand(deps, command, { actor, lang: parsed.lang, ticketId: linked.id });
        await out.ephemeral(m.channel, m.user, result.text, threadTs);
        return;
      }
      if (linked && linked.status !== 'closed') {
        // Not a command: a reply on the ticket like any other in the thread.
        await keepThreadMessage({ ...m, user: m.user }, place);
        return;
      }
      // A customer's question of their own (not in a thread): answered from the FAQ when it can be, else filed.
      if (!m.thread_ts && !linked && actor.role === 'customer' && text) {
        if (await selfService.ask({ workspaceId: place.workspaceId, channelId: m.channel, ts: m.ts, user: m.user, text, files: m.files })) return;
      }
      // A thread without a ticket is filed from its root; a closed ticket's root is that ticket, so the mention is the follow-up.
      const root = m.thread_ts && !linked ? await fetchMessage(m.channel, m.thread_ts) : null;
      const message = root ?? {
        ts: m.ts,
        thread_ts: m.thread_ts,
        text: parsed?.ok && parsed.command.verb === 'new' ? parsed.command.text : text,
        user: m.user,
        files: m.files,
      };
      await ticketFromMessage({ workspaceId: place.workspaceId, channelId: m.channel, message: ZSlackMessage.parse(message), requestedBy: m.user });
    } catch (error) {
      await refuse(error, where);
    }
  });

  // Replies in a ticket's thread are kept on the ticket; the bot's own messages and edits are not.
  app.message(async ({ message, body, context }) => {
    const parsed = ZChannelMessage.safeParse(message);
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.bot_id || !m.user || (m.subtype && m.subtype !== 'thread_broadcast' && m.subtype !== 'file_share')) return;
    if (!m.thread_ts || m.thread_ts === m.ts) return; // top-level chatter is not a ticket until someone says so
    if (botMention(m.text, context.botUserId) || !messageContent(m).text) return; // app_mention handles mentions
    await afterAck();
    const place = { workspaceId: teamOf(body), channelId: m.channel, threadTs: m.thread_ts };
    const where = { channel: m.channel, user: m.user, threadTs: m.thread_ts };
    try {
      const linked = await deps.tickets.findTicketByConversation(slackRef(place));
      if (!linked) {
        // Under the bot's answer to their own question, a customer's message goes to a person, and is kept.
        if (await selfService.fileAnsweredThread({ ...place, user: m.user })) await keepThreadMessage({ ...m, user: m.user }, place);
        return;
      }
      // After a ticket is closed, only a customer writing again opens a follow-up; staff chatter does not.
      if (linked.status === 'closed' && (await actorOf(m.user)).role !== 'customer') return;
      await detachClosedCard(linked, place, m.ts);
      const kept = await keepThreadMessage({ ...m, user: m.user }, place);
      // A reply in the thread of a closed ticket opened a follow-up ticket, now linked to the thread. A retry
      // (the first attempt failed after the ticket was made) finds the message kept: it posts the card if
      // the thread still has none. A card that cannot be posted is reported, not retried.
      const cardless = async () => {
        const here = (await deps.tickets.listConversations(kept.ticket.id, 'slack')).filter(
          (c) => c.channelId === place.channelId && c.threadId === place.threadTs,
        );
        return here.length > 0 && here.every((c) => !c.cardMessageId);
      };
      if (kept.outcome === 'created' || (kept.outcome === 'duplicate' && (await cardless()))) {
        await out.postCard(kept.ticket, place).catch((error: unknown) => refuse(error, where));
      }
    } catch (error) {
      // A failure that may pass (the database failing over, a network blip): the inbox's sweep retries the
      // delivery, so the message is kept late rather than lost, and nobody is shown an error meanwhile.
      if (isTransient(error)) throw error;
      await refuse(error, where);
    }
  });

  registerCardActions(app, ctx, { refuse, actorOf, lang });
  registerModals(app, ctx, { refuse, actorOf, lang });
}

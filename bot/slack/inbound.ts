// Everything Slack sends ticketbot: shortcuts, reactions, the slash command, mentions, thread replies,
// card buttons and modal submissions. Every listener acknowledges first (Slack's 3-second rule) and
// then works; payloads are checked with zod; refusals go back to the one user, ephemeral and polite.
import type { App, RespondFn, webApi } from '@slack/bolt';
import { z } from 'zod';
import { executeCommand } from '../../core/commands/execute-command.js';
import { parseCommand } from '../../core/commands/grammar.js';
import { AppError, toAppError } from '../../core/errors.js';
import { detectLang, type Lang, render, t } from '../../core/i18n/translate.js';
import { addNote } from '../../core/tickets/add-note.js';
import { addReply } from '../../core/tickets/add-reply.js';
import type { TicketDeps } from '../../core/tickets/deps.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { resolveActor } from '../../core/tickets/resolve-actor.js';
import { suggestReply } from '../../core/tickets/suggest-reply.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { PRIORITIES, type Priority, type Ticket } from '../../core/tickets/types.js';
import { afterAck } from '../after-ack.js';
import type { Logger } from '../logger.js';
import { type SlackOutbound, type SlackPlace, slackRef } from './outbound.js';
import { ACTION, FIELD, type ModalContext, noteModal, replyModal, suggestionBlocks, VIEW } from './render.js';
import type { SlackSettings } from './settings.js';

export interface InboundContext {
  /** The Web API client with the bot token (Bolt's own `app.client` has none: authorization is ours). */
  client: webApi.WebClient;
  deps: TicketDeps;
  out: SlackOutbound;
  settings: SlackSettings;
  logger: Logger;
}

/** The callback id of the "Create ticket / 创建工单" message shortcut (see manifest.json). */
export const CREATE_SHORTCUT = 'create_ticket';

const ZSlackMessage = z.object({
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  text: z.string().default(''),
});
type SlackMessage = z.infer<typeof ZSlackMessage>;

const ZMessageShortcut = z.object({
  team: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string() }),
  user: z.object({ id: z.string() }),
  message: ZSlackMessage,
});
const ZReaction = z.object({
  user: z.string(),
  reaction: z.string(),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
});
const ZMention = z.object({ user: z.string().optional(), text: z.string().default(''), ts: z.string(), thread_ts: z.string().optional(), channel: z.string() });
const ZChannelMessage = ZSlackMessage.extend({ channel: z.string(), channel_type: z.string().optional() });
const ZBlockAction = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  trigger_id: z.string().optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        block_id: z.string().optional(),
        value: z.string().optional(),
        selected_option: z.object({ value: z.string() }).optional(),
        selected_user: z.string().optional(),
      }),
    )
    .min(1),
});
type BlockAction = z.infer<typeof ZBlockAction>;
const ZModalContext = z.object({ ticketId: z.number().int().positive(), channelId: z.string(), threadTs: z.string() });
const ZViewSubmission = z.object({
  user: z.object({ id: z.string() }),
  team: z.object({ id: z.string() }).nullish(),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))) }),
  }),
});

/** After the ack: lets it leave, then waits for this request's turn to work (see bot/after-ack.ts). */
const flushed = afterAck;

/** The Slack-side id of a channel message: ts is unique within a channel. */
const messageId = (channel: string, ts: string) => `${channel}:${ts}`;

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
  }): Promise<void> {
    const { message } = p;
    const where = { channel: p.channelId, user: p.requestedBy, threadTs: message.thread_ts ?? message.ts };
    if (!message.text.trim()) return refuse(AppError.user('INVALID_INPUT', 'slack.noMessage'), where);
    const threadTs = message.thread_ts ?? message.ts;
    const place = { workspaceId: p.workspaceId, channelId: p.channelId, threadTs };
    const linked = await deps.tickets.findTicketByConversation(slackRef(place));
    if (linked && linked.status !== 'closed') {
      if (!p.redelivery) await out.ephemeral(p.channelId, p.requestedBy, t(lang(), 'slack.alreadyTicket', { number: linked.number }), threadTs);
      return;
    }
    await detachClosedCard(linked, place, message.ts);
    const { ticket, outcome } = await intakeMessage(deps, {
      platform: 'slack',
      platformMessageId: messageId(p.channelId, message.ts),
      conversation: slackRef(place, message.ts),
      // A bot's message (an integration's alert, say) is filed under the person who asked for the ticket.
      author: { platformUserId: message.bot_id || !message.user ? p.requestedBy : message.user },
      text: message.text,
      channel: 'slack',
    });
    if (outcome === 'created') await out.postCard(ticket, place);
    // A redelivered event (Slack retried while the first was still being handled) says nothing twice.
    else if (!p.redelivery) await out.ephemeral(p.channelId, p.requestedBy, t(lang(), 'slack.alreadyTicket', { number: ticket.number }), threadTs);
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

  // Message shortcut "Create ticket / 创建工单".
  app.shortcut(CREATE_SHORTCUT, async ({ shortcut, ack }) => {
    await ack();
    await flushed();
    const s = ZMessageShortcut.parse(shortcut);
    await ticketFromMessage({ workspaceId: s.team?.id ?? '', channelId: s.channel.id, message: s.message, requestedBy: s.user.id }).catch((error) =>
      refuse(error, { channel: s.channel.id, user: s.user.id, threadTs: s.message.thread_ts ?? s.message.ts }),
    );
  });

  // The ticket reaction (default :ticket:) on any message.
  app.event('reaction_added', async ({ event, body, context }) => {
    await flushed();
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
    await flushed();
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
    await flushed();
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
        await intakeMessage(deps, {
          platform: 'slack',
          platformMessageId: messageId(m.channel, m.ts),
          conversation: slackRef(place, m.ts),
          author: { platformUserId: m.user },
          text: m.text,
          channel: 'slack',
        });
        return;
      }
      // A thread without a ticket is filed from its root; a closed ticket's root is that ticket, so the mention is the follow-up.
      const root = m.thread_ts && !linked ? await fetchMessage(m.channel, m.thread_ts) : null;
      const message = root ?? {
        ts: m.ts,
        thread_ts: m.thread_ts,
        text: parsed?.ok && parsed.command.verb === 'new' ? parsed.command.text : text,
        user: m.user,
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
    if (botMention(m.text, context.botUserId) || !m.text.trim()) return; // app_mention handles mentions
    await flushed();
    const place = { workspaceId: teamOf(body), channelId: m.channel, threadTs: m.thread_ts };
    const linked = await deps.tickets.findTicketByConversation(slackRef(place));
    if (!linked) return;
    try {
      // After a ticket is closed, only a customer writing again opens a follow-up; staff chatter does not.
      if (linked.status === 'closed' && (await actorOf(m.user)).role !== 'customer') return;
      await detachClosedCard(linked, place, m.ts);
      const { ticket, outcome } = await intakeMessage(deps, {
        platform: 'slack',
        platformMessageId: messageId(m.channel, m.ts),
        conversation: slackRef(place, m.ts),
        author: { platformUserId: m.user },
        text: m.text,
        channel: 'slack',
      });
      // A reply in the thread of a closed ticket opened a follow-up ticket, now linked to the thread.
      if (outcome === 'created') await out.postCard(ticket, place);
    } catch (error) {
      await refuse(error, { channel: m.channel, user: m.user, threadTs: m.thread_ts });
    }
  });

  registerCardActions(app, ctx, { refuse, actorOf, lang });
  registerModals(app, ctx, { refuse, actorOf, lang });
}

interface Helpers {
  refuse(error: unknown, where: { channel: string; user: string; threadTs?: string | undefined }, language?: Lang): Promise<void>;
  actorOf(userId: string): ReturnType<typeof resolveActor>;
  lang(): Lang;
}

function teamOf(body: unknown): string {
  const b = body as { team_id?: unknown; team?: { id?: unknown } | null };
  return typeof b.team_id === 'string' ? b.team_id : typeof b.team?.id === 'string' ? b.team.id : '';
}

/** Where a card's button was clicked: the channel and the ticket thread. */
function placeOf(a: BlockAction): { channel: string; threadTs: string | undefined } {
  const channel = a.channel?.id ?? a.container?.channel_id ?? '';
  return { channel, threadTs: a.message?.thread_ts ?? a.container?.thread_ts ?? a.message?.ts ?? a.container?.message_ts };
}

/** A suggestion's Send/Edit value: `{"t":12,"r":"…"}` when the draft fits in it, else the ticket id. */
function suggestionOf(raw: string | undefined): { ticketId: number; reply: string } | null {
  if (!raw?.startsWith('{')) return null;
  const parsed = z.object({ t: z.number().int().positive(), r: z.string().min(1) }).safeParse(JSON.parse(raw));
  return parsed.success ? { ticketId: parsed.data.t, reply: parsed.data.r } : null;
}

/** `12`, `12:P1` (select options carry the ticket id before the choice) or a suggestion's value. */
function ticketIdOf(raw: string | undefined): number {
  const carried = suggestionOf(raw);
  if (carried) return carried.ticketId;
  const id = Number((raw ?? '').split(':')[0]);
  if (!Number.isInteger(id) || id <= 0) throw AppError.user('INVALID_INPUT', 'error.invalidInput', { details: 'ticket' });
  return id;
}
const choiceOf = (raw: string | undefined) => (raw ?? '').split(':').slice(1).join(':');

function registerCardActions(app: App, ctx: InboundContext, h: Helpers): void {
  const { deps, out } = ctx;
  /** Suggestions too long to ride in a button value, per agent and ticket (the latest; bounded). */
  const suggestions = new Map<string, string>();
  /** Suggestion messages already sent from (a double click sends once). */
  const sent = new Set<string>();

  type Run = (a: BlockAction, action: BlockAction['actions'][number], respond: RespondFn) => Promise<void>;
  /** `immediate`: runs without waiting for a work slot (a modal must open within 3 s of the click). */
  const on = (actionId: string, run: Run, opts: { immediate?: boolean } = {}) => {
    app.action(actionId, async ({ ack, body, respond }) => {
      await ack();
      if (!opts.immediate) await flushed();
      const a = ZBlockAction.parse(body);
      const action = a.actions[0];
      if (!action) return;
      try {
        await run(a, action, respond);
      } catch (error) {
        const { channel, threadTs } = placeOf(a);
        await h.refuse(error, { channel, user: a.user.id, threadTs });
      }
    });
  };
  const actor = (a: BlockAction) => h.actorOf(a.user.id);
  const staff = async (a: BlockAction) => {
    const who = await actor(a);
    if (who.role === 'customer') throw AppError.user('NOT_PERMITTED', 'error.notAgent');
    return who;
  };
  /** The draft the agent read: carried in the button, else remembered; never written anew behind their back. */
  const draftOf = (id: number, a: BlockAction, raw: string | undefined): string | null =>
    suggestionOf(raw)?.reply ?? suggestions.get(`${id}:${a.user.id}`) ?? null;

  on(ACTION.claim, async (a, x) => void (await act.claimTicket(deps, ticketIdOf(x.value), await actor(a))));
  on(ACTION.resolve, async (a, x) => void (await act.resolveTicket(deps, ticketIdOf(x.value), await actor(a))));
  on(ACTION.close, async (a, x) => void (await act.closeTicket(deps, ticketIdOf(x.value), await actor(a))));
  on(ACTION.assign, async (a, x) => {
    const id = ticketIdOf(x.block_id?.replace(/^tb_controls_/, ''));
    const agent = x.selected_user ? await deps.directory.findAgentByIdentity('slack', x.selected_user) : null;
    if (!agent) throw AppError.user('UNKNOWN_AGENT', 'error.unknownAgent', { who: x.selected_user ? `<@${x.selected_user}>` : '?' });
    await act.assignTicket(deps, id, await actor(a), agent.id);
  });
  on(ACTION.transfer, async (a, x) => {
    const value = x.selected_option?.value;
    await act.transferTicket(deps, ticketIdOf(value), await actor(a), choiceOf(value));
  });
  on(ACTION.priority, async (a, x) => {
    const value = x.selected_option?.value;
    const priority = choiceOf(value);
    if (!PRIORITIES.includes(priority as Priority)) throw AppError.user('INVALID_INPUT', 'error.invalidInput', { details: priority });
    await act.setPriority(deps, ticketIdOf(value), await actor(a), priority as Priority);
  });
  on(ACTION.category, async (a, x) => {
    const value = x.selected_option?.value;
    await act.setCategory(deps, ticketIdOf(value), await actor(a), choiceOf(value));
  });
  on(ACTION.suggest, async (a, x) => {
    const id = ticketIdOf(x.value);
    const suggestion = await suggestReply(deps, id, await actor(a));
    const ticket = await deps.tickets.findTicket(id);
    if (!ticket) return;
    if (suggestion.reply) {
      if (suggestions.size >= 1000) suggestions.delete(suggestions.keys().next().value ?? '');
      suggestions.set(`${id}:${a.user.id}`, suggestion.reply);
    }
    const { text, blocks } = suggestionBlocks(ticket, suggestion, h.lang());
    const { channel, threadTs } = placeOf(a);
    await out.ephemeral(channel, a.user.id, text, threadTs, blocks);
  });
  on(ACTION.sendReply, async (a, x, respond) => {
    const id = ticketIdOf(x.value);
    await staff(a);
    const draft = draftOf(id, a, x.value);
    if (!draft) throw AppError.user('INVALID_INPUT', 'slack.suggestionGone');
    const once = `${a.user.id}:${a.container?.message_ts ?? x.value}`;
    if (sent.has(once)) return;
    if (sent.size >= 1000) sent.clear();
    sent.add(once);
    await sendReply(ctx, { ticketId: id, ...(await threadOf(deps, id, a)) }, a.user.id, draft, h);
    // The suggestion has been used: take it away so that it cannot be sent twice.
    await respond({ delete_original: true }).catch(() => {});
  });
  on(
    ACTION.editReply,
    async (a, x) => {
      const id = ticketIdOf(x.value);
      await staff(a);
      const view = replyModal({ ticketId: id, ...(await threadOf(deps, id, a)) }, h.lang(), draftOf(id, a, x.value) ?? '');
      await ctx.client.views.open({ trigger_id: a.trigger_id ?? '', view });
    },
    { immediate: true },
  );
  on(
    ACTION.note,
    async (a, x) => {
      const id = ticketIdOf(x.value);
      await staff(a);
      await ctx.client.views.open({ trigger_id: a.trigger_id ?? '', view: noteModal({ ticketId: id, ...(await threadOf(deps, id, a)) }, h.lang()) });
    },
    { immediate: true },
  );
}

/**
 * The ticket's thread for a reply or a note: its linked Slack conversation (in the clicked channel if it
 * has several), since an ephemeral message's payload may not say which thread it was shown in.
 */
async function threadOf(deps: TicketDeps, ticketId: number, a: BlockAction): Promise<{ channelId: string; threadTs: string }> {
  const clicked = placeOf(a);
  const linked = await deps.tickets.listConversations(ticketId, 'slack');
  const thread = linked.find((c) => c.channelId === clicked.channel) ?? linked[0];
  if (thread) return { channelId: thread.channelId, threadTs: thread.threadId };
  if (!clicked.channel || !clicked.threadTs) throw AppError.user('INVALID_INPUT', 'error.invalidInput', { details: 'channel' });
  return { channelId: clicked.channel, threadTs: clicked.threadTs };
}

/** Posts an agent's reply in the ticket's thread, then keeps it on the ticket (first response, status). */
async function sendReply(ctx: InboundContext, m: ModalContext, userId: string, text: string, h: Helpers): Promise<void> {
  const actor = await h.actorOf(userId);
  if (actor.role === 'customer') throw AppError.user('NOT_PERMITTED', 'error.notAgent');
  const ticket = await ctx.deps.tickets.findTicket(m.ticketId);
  if (!ticket) throw AppError.user('TICKET_NOT_FOUND', 'error.ticketNotFound', { number: String(m.ticketId) });
  if (ticket.status === 'closed') throw AppError.user('TICKET_INVALID_TRANSITION', 'error.closedTicket', { number: ticket.number });
  const workspaceId = (await ctx.deps.tickets.listConversations(m.ticketId, 'slack'))[0]?.workspaceId ?? '';
  const ts = await ctx.out.postReply({ workspaceId, channelId: m.channelId, threadTs: m.threadTs }, actor.name ?? userId, text);
  await addReply(ctx.deps, m.ticketId, actor, { body: text, platformMessageId: messageId(m.channelId, ts) });
  await ctx.out.ephemeral(m.channelId, userId, t(h.lang(), 'slack.replySent', { number: ticket.number }), m.threadTs);
}

function registerModals(app: App, ctx: InboundContext, h: Helpers): void {
  const submitted = (kind: 'note' | 'reply') =>
    app.view(kind === 'note' ? VIEW.note : VIEW.reply, async ({ ack, body }) => {
      const v = ZViewSubmission.parse(body);
      const text = v.view.state.values[FIELD.block]?.[FIELD.input]?.value?.trim() ?? '';
      if (!text) {
        await ack({ response_action: 'errors', errors: { [FIELD.block]: t(h.lang(), kind === 'note' ? 'slack.noteEmpty' : 'slack.replyEmpty') } });
        return;
      }
      await ack();
      await flushed();
      const m = ZModalContext.parse(JSON.parse(v.view.private_metadata));
      try {
        if (kind === 'reply') return await sendReply(ctx, m, v.user.id, text, h);
        const { ticket } = await addNote(ctx.deps, m.ticketId, await h.actorOf(v.user.id), text);
        await ctx.out.ephemeral(m.channelId, v.user.id, t(h.lang(), 'reply.noted', { number: ticket.number }), m.threadTs);
      } catch (error) {
        await h.refuse(error, { channel: m.channelId, user: v.user.id, threadTs: m.threadTs });
      }
    });
  submitted('note');
  submitted('reply');
}

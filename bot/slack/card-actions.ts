// The ticket card's buttons and menus, and the note and reply modals.
import type { App, RespondFn } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { t } from '../../core/i18n/translate.js';
import { addNote } from '../../core/tickets/add-note.js';
import { addReply } from '../../core/tickets/add-reply.js';
import type { TicketDeps } from '../../core/tickets/deps.js';
import { suggestReply } from '../../core/tickets/suggest-reply.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { PRIORITIES, type Priority } from '../../core/tickets/types.js';
import { afterAck } from '../after-ack.js';
import { type BlockAction, type Helpers, type InboundContext, messageId, ZBlockAction, ZModalContext, ZViewSubmission } from './payloads.js';
import { ACTION, FIELD, type ModalContext, noteModal, replyModal, suggestionBlocks, VIEW } from './render.js';

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

export function registerCardActions(app: App, ctx: InboundContext, h: Helpers): void {
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
      if (!opts.immediate) await afterAck();
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

export function registerModals(app: App, ctx: InboundContext, h: Helpers): void {
  const submitted = (kind: 'note' | 'reply') =>
    app.view(kind === 'note' ? VIEW.note : VIEW.reply, async ({ ack, body }) => {
      const v = ZViewSubmission.parse(body);
      const text = v.view.state.values[FIELD.block]?.[FIELD.input]?.value?.trim() ?? '';
      if (!text) {
        await ack({ response_action: 'errors', errors: { [FIELD.block]: t(h.lang(), kind === 'note' ? 'slack.noteEmpty' : 'slack.replyEmpty') } });
        return;
      }
      await ack();
      await afterAck();
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

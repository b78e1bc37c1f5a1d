// Block Kit for the Slack app: the ticket card, the reply suggestion, and the note and reply modals.
// Pure functions of a ticket (and config, language, time): the card is re-rendered from the database
// after every change, so what Slack shows is never a patched copy.
import type { types } from '@slack/bolt';
import type { AppConfig } from '../../core/config.js';
import { type Lang, t } from '../../core/i18n/translate.js';
import type { ReplySuggestion } from '../../core/ports.js';
import { displayZone } from '../../core/sla/clock.js';
import { formatLocalTime } from '../../core/sla/time-zone.js';
import { orderLink } from '../../core/tickets/order-number.js';
import { PRIORITIES, type Ticket, WORKING_STATUSES } from '../../core/tickets/types.js';

type Block = types.KnownBlock;
type View = types.View;

/** Action ids of the card's controls and the suggestion's buttons. Values carry the ticket id. */
export const ACTION = {
  claim: 'tb_claim',
  assign: 'tb_assign',
  transfer: 'tb_transfer',
  resolve: 'tb_resolve',
  close: 'tb_close',
  suggest: 'tb_suggest',
  note: 'tb_note',
  priority: 'tb_priority',
  category: 'tb_category',
  sendReply: 'tb_send_reply',
  editReply: 'tb_edit_reply',
  answerSolved: 'tb_answer_solved',
  answerHuman: 'tb_answer_human',
} as const;

export const VIEW = { note: 'tb_note_modal', reply: 'tb_reply_modal' } as const;
/** Input ids inside the modals. */
export const FIELD = { block: 'tb_text_block', input: 'tb_text' } as const;

const PRIORITY_ICON: Record<string, string> = { P1: '🔴', P2: '🟠', P3: '🔵', P4: '⚪' };
const OPEN = new Set(['new', 'assigned', 'in_progress', 'pending_customer']);

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 75), emoji: true });
const option = (text: string, value: string) => ({ text: plain(text), value });

/** Slack's mrkdwn: these three characters must be escaped in user text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function teamName(config: AppConfig, id: string | null, lang: Lang): string {
  const team = config.teams.find((x) => x.id === id);
  return team ? team.name[lang] : (id ?? t(lang, 'reply.none'));
}

function categoryName(config: AppConfig, id: string, lang: Lang): string {
  return config.categories.find((c) => c.id === id)?.name[lang] ?? id;
}

function dueText(ticket: Ticket, config: AppConfig, lang: Lang, clock: 'fr' | 'res' | 'nr'): string | null {
  const zone = displayZone(config, ticket.teamId);
  if (clock === 'nr') {
    // Shown only while the customer waits for an answer to a later message.
    const due = ticket.sla.nextResponseDueAt;
    if (!due || !ticket.awaitingReplySince || !WORKING_STATUSES.has(ticket.status)) return null;
    const missed = ticket.sla.nextResponseBreachedAt && ticket.sla.nextResponseBreachedAt >= ticket.awaitingReplySince;
    return `${missed ? '🚨 ' : ''}${formatLocalTime(due, zone)}`;
  }
  if (clock === 'fr') {
    if (ticket.firstResponseAt) return `✅ ${t(lang, 'card.met')}`;
    const due = ticket.sla.firstResponseDueAt;
    if (!due) return null;
    return `${ticket.sla.firstResponseBreachedAt ? '🚨 ' : ''}${formatLocalTime(due, zone)}`;
  }
  const due = ticket.sla.resolutionDueAt;
  if (!due || !OPEN.has(ticket.status)) return null;
  if (ticket.sla.pausedSince) return `⏸ ${t(lang, 'card.paused')}`;
  // The breach of this clock: a reopen starts a new one (its stages are cleared; resolutionBreachedAt keeps the old breach).
  return `${ticket.sla.stages['res_breach'] !== undefined ? '🚨 ' : ''}${formatLocalTime(due, zone)}`;
}

/** An order number as code, linked to the shop's back office when `orderLinks` has a rule for it. */
function orderText(config: AppConfig, order: string): string {
  const url = orderLink(config, order);
  return url ? `<${url}|${escapeMrkdwn(order)}>` : `\`${escapeMrkdwn(order)}\``;
}

export interface CardOptions {
  config: AppConfig;
  lang: Lang;
  /** The assignee as Slack shows them: a `<@U…>` mention when they have a Slack identity, else their name. */
  assignee: string | null;
  /** Who last changed the priority or category by hand (absent: still as triage set it). */
  changedBy?: { priority?: string | undefined; category?: string | undefined } | undefined;
}

/** Where a triaged field stands: the classifier's confidence, or the person who changed it. */
function provenance(ticket: Ticket, by: string | undefined, lang: Lang): string {
  if (by) return ` · ${t(lang, 'card.setBy', { who: by })}`;
  return ticket.triageConfidence === null ? '' : ` · ${t(lang, 'card.byTriage', { percent: Math.round(ticket.triageConfidence * 100) })}`;
}

/** The ticket card posted in the ticket's thread and updated in place after every change. */
export function ticketCard(ticket: Ticket, { config, lang, assignee: shown, changedBy }: CardOptions): { text: string; blocks: Block[] } {
  const assignee = shown ?? t(lang, 'reply.nobody');
  const fields = [
    [t(lang, 'card.status'), t(lang, `status.${ticket.status}`)],
    [t(lang, 'card.priority'), `${PRIORITY_ICON[ticket.priority] ?? ''} ${ticket.priority}${provenance(ticket, changedBy?.priority, lang)}`],
    [t(lang, 'card.category'), `${categoryName(config, ticket.category, lang)}${provenance(ticket, changedBy?.category, lang)}`],
    [t(lang, 'card.assignee'), assignee],
    [t(lang, 'card.team'), teamName(config, ticket.teamId, lang)],
    [t(lang, 'card.firstResponseDue'), dueText(ticket, config, lang, 'fr')],
    [t(lang, 'card.nextResponseDue'), dueText(ticket, config, lang, 'nr')],
    [t(lang, 'card.resolutionDue'), dueText(ticket, config, lang, 'res')],
    [t(lang, 'card.customerTier'), ticket.customerTier === 'standard' ? null : ticket.customerTier.toUpperCase()],
  ].filter((f): f is [string, string] => f[1] !== null);
  const extra = [
    ticket.orderNumbers.length ? `${t(lang, 'card.orders')}: ${ticket.orderNumbers.map((o) => orderText(config, o)).join(' ')}` : null,
    ticket.reboundCount ? t(lang, 'card.rebounds', { count: ticket.reboundCount }) : null,
  ].filter((x): x is string => x !== null);
  const blocks: Block[] = [
    { type: 'header', text: plain(`${ticket.number} · ${ticket.title}`) },
    {
      type: 'section',
      fields: fields.map(([label, value]) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(label)}*\n${value === assignee ? value : escapeMrkdwn(value)}` })),
    },
  ];
  if (extra.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: extra.join('  ·  ') }] });
  if (ticket.status !== 'closed') blocks.push(...controls(ticket, config, lang));
  // `text` is mrkdwn too (the notification and fallback): the title is customer text, escaped like the fields.
  const text = `${ticket.number} ${escapeMrkdwn(ticket.title)} · ${t(lang, `status.${ticket.status}`)} · ${ticket.priority} · ${assignee}`;
  return { text, blocks };
}

function controls(ticket: Ticket, config: AppConfig, lang: Lang): Block[] {
  const value = String(ticket.id);
  const open = OPEN.has(ticket.status);
  const buttons = [
    ticket.assigneeId === null && (ticket.status === 'new' || ticket.status === 'pending_customer')
      ? { type: 'button' as const, action_id: ACTION.claim, text: plain(t(lang, 'button.claim')), value, style: 'primary' as const }
      : null,
    open ? { type: 'button' as const, action_id: ACTION.resolve, text: plain(t(lang, 'button.resolve')), value } : null,
    { type: 'button' as const, action_id: ACTION.close, text: plain(t(lang, 'button.close')), value },
    open ? { type: 'button' as const, action_id: ACTION.suggest, text: plain(t(lang, 'button.suggest')), value } : null,
    { type: 'button' as const, action_id: ACTION.note, text: plain(t(lang, 'button.note')), value },
  ].filter((b) => b !== null);
  const blocks: Block[] = [{ type: 'actions', block_id: `tb_buttons_${value}`, elements: buttons }];
  if (!open) return blocks;
  blocks.push({
    type: 'actions',
    block_id: `tb_controls_${value}`,
    elements: [
      { type: 'users_select', action_id: ACTION.assign, placeholder: plain(t(lang, 'card.assignTo')) },
      {
        type: 'static_select',
        action_id: ACTION.transfer,
        placeholder: plain(t(lang, 'card.transferTo')),
        options: config.teams.map((x) => option(x.name[lang], `${value}:${x.id}`)),
      },
      {
        type: 'static_select',
        action_id: ACTION.priority,
        placeholder: plain(t(lang, 'card.changePriority')),
        options: PRIORITIES.map((p) => option(`${PRIORITY_ICON[p] ?? ''} ${p}`, `${value}:${p}`)),
      },
      {
        type: 'static_select',
        action_id: ACTION.category,
        placeholder: plain(t(lang, 'card.changeCategory')),
        options: config.categories.slice(0, 100).map((c) => option(c.name[lang], `${value}:${c.id}`)),
      },
    ],
  });
  return blocks;
}

/** The "Suggest reply" answer (ephemeral to the agent): the reply, its sources, Send and Edit. */
export function suggestionBlocks(ticket: Ticket, suggestion: ReplySuggestion, lang: Lang): { text: string; blocks: Block[] } {
  if (!suggestion.reply) return { text: t(lang, 'suggest.none'), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: t(lang, 'suggest.none') } }] };
  const sources = suggestion.sources
    .slice(0, 5)
    .map((s) => `• ${escapeMrkdwn(s.title)} (${escapeMrkdwn(s.source)}, ${s.score.toFixed(2)})`)
    .join('\n');
  const header = t(lang, 'suggest.header', { number: ticket.number }) + (suggestion.drafted ? ` ${t(lang, 'suggest.drafted')}` : '');
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(header)}*` } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(suggestion.reply).slice(0, 2900) } },
  ];
  if (sources) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${t(lang, 'suggest.sources')}:\n${sources}`.slice(0, 2900) }] });
  // The draft rides in the buttons (up to Slack's 2,000 characters per value): Send posts what was read.
  const carried = JSON.stringify({ t: ticket.id, r: suggestion.reply });
  const value = carried.length <= 2000 ? carried : String(ticket.id);
  blocks.push({
    type: 'actions',
    block_id: `tb_suggestion_${ticket.id}`,
    elements: [
      { type: 'button', action_id: ACTION.sendReply, text: plain(t(lang, 'button.send')), style: 'primary', value },
      { type: 'button', action_id: ACTION.editReply, text: plain(t(lang, 'button.edit')), value },
    ],
  });
  return { text: `${header}\n${suggestion.reply}`, blocks };
}

/** The auto-answer a customer gets in their question's thread, with "solved" and "talk to a person". */
export function answerBlocks(answer: { title: string; answer: string }, logId: number, lang: Lang): { text: string; blocks: Block[] } {
  const value = `${logId}:${lang}`;
  return {
    text: answer.answer.slice(0, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(answer.answer).slice(0, 2900) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(lang, 'answer.from', { title: answer.title })).slice(0, 2900) }] },
      {
        type: 'actions',
        block_id: `tb_answer_${logId}`,
        elements: [
          { type: 'button', action_id: ACTION.answerSolved, text: plain(t(lang, 'button.answerSolved')), style: 'primary', value },
          { type: 'button', action_id: ACTION.answerHuman, text: plain(t(lang, 'button.answerHuman')), value },
        ],
      },
    ],
  };
}

/** The auto-answer after the asker chose: its buttons replaced by the outcome. */
export function answeredBlocks(shown: readonly unknown[], outcome: string): Block[] {
  const kept = shown.filter((b) => (b as { type?: unknown }).type !== 'actions') as Block[];
  return [...kept, { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(outcome) }] }];
}

/** Private metadata of the modals: which ticket, and where to answer. */
export interface ModalContext {
  ticketId: number;
  channelId: string;
  threadTs: string;
}

function textModal(kind: 'note' | 'reply', ctx: ModalContext, lang: Lang, initial?: string): View {
  return {
    type: 'modal',
    callback_id: kind === 'note' ? VIEW.note : VIEW.reply,
    private_metadata: JSON.stringify(ctx),
    title: plain(t(lang, kind === 'note' ? 'modal.noteTitle' : 'modal.replyTitle')),
    submit: plain(t(lang, 'modal.submit')),
    close: plain(t(lang, 'modal.cancel')),
    blocks: [
      {
        type: 'input',
        block_id: FIELD.block,
        label: plain(t(lang, kind === 'note' ? 'modal.noteLabel' : 'modal.replyLabel')),
        element: { type: 'plain_text_input', action_id: FIELD.input, multiline: true, ...(initial ? { initial_value: initial.slice(0, 3000) } : {}) },
      },
    ],
  };
}

export const noteModal = (ctx: ModalContext, lang: Lang): View => textModal('note', ctx, lang);
export const replyModal = (ctx: ModalContext, lang: Lang, draft: string): View => textModal('reply', ctx, lang, draft);

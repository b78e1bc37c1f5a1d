import { AppError } from '../errors.js';
import { type Lang, type LocalizedText, render, t } from '../i18n/translate.js';
import type { AgentRecord } from '../ports.js';
import { displayZone } from '../sla/clock.js';
import { CLOCK_LABEL, slaReport } from '../sla/sla-report.js';
import { formatLocalTime } from '../sla/time-zone.js';
import { addNote } from '../tickets/add-note.js';
import { getTicket } from '../tickets/apply-event.js';
import type { TicketDeps } from '../tickets/deps.js';
import type { InboundMessageInput } from '../tickets/inbound.js';
import { intakeMessage } from '../tickets/intake-message.js';
import * as act from '../tickets/ticket-actions.js';
import type { Actor, Ticket } from '../tickets/types.js';
import { dailyStats, renderDailyStats } from './daily-stats.js';
import { type Command, type Mention, usageFor } from './grammar.js';
import { listTicketsWithTotal } from './list-tickets.js';

/** Where a command was typed: who typed it, and the ticket of the thread it was typed in, if any. */
export interface CommandContext {
  actor: Actor;
  lang: Lang;
  /** The ticket linked to the current thread, used when the command names none. */
  ticketId?: number | undefined;
  /** For `new`: the platform message that carries the command (idempotency) and its thread. */
  inbound?: Omit<InboundMessageInput, 'text'> | undefined;
}

export interface CommandReply {
  text: string;
  ticket?: Ticket | undefined;
  tickets?: Ticket[] | undefined;
}

/** Help lines as one text: the header, then one bullet per verb. */
export function usageText(lang: Lang, lines: LocalizedText[]): string {
  return lines.map((line, i) => (i === 0 && line.key === 'usage.header' ? render(lang, line) : `• ${render(lang, line)}`)).join('\n');
}

const STAFF = new Set(['agent', 'supervisor', 'admin']);

/** Lines a chat list shows at most (a chat message is no place for hundreds). */
const LIST_LIMIT = 50;

/** The line that says a list was cut short, if it was. */
function more(lang: Lang, shown: number, total: number): string[] {
  return total > shown ? [t(lang, 'reply.listMore', { more: total - shown, shown })] : [];
}

function requireStaff(actor: Actor): void {
  if (!STAFF.has(actor.role)) throw AppError.user('NOT_PERMITTED', 'error.notAgent');
}

function targetOf(cmd: { ticket?: number | undefined }, ctx: CommandContext): number {
  const id = cmd.ticket ?? ctx.ticketId;
  if (id === undefined) throw AppError.user('INVALID_INPUT', 'error.noTicketInContext', { example: ctx.lang === 'zh' ? '认领 T-000123' : 'claim T-000123' });
  return id;
}

async function resolveMention(deps: TicketDeps, mention: Mention, actor: Actor): Promise<AgentRecord> {
  const agent = (await deps.directory.findAgent(mention.id)) ?? (await deps.directory.findAgentByIdentity(actor.platform, mention.id));
  if (!agent) throw AppError.user('UNKNOWN_AGENT', 'error.unknownAgent', { who: mention.label ?? mention.id });
  return agent;
}

export function describeTicket(ticket: Ticket, lang: Lang, deps: Pick<TicketDeps, 'config'>): string {
  const category = deps.config.categories.find((c) => c.id === ticket.category);
  const team = deps.config.teams.find((x) => x.id === ticket.teamId);
  return t(lang, 'reply.status', {
    number: ticket.number,
    title: ticket.title,
    status: { key: `status.${ticket.status}` },
    priority: ticket.priority,
    category: category ? category.name[lang] : ticket.category,
    assignee: ticket.assigneeId ?? t(lang, 'reply.nobody'),
    team: team ? team.name[lang] : (ticket.teamId ?? t(lang, 'reply.none')),
  });
}

/** Runs a parsed command for an actor. Refusals are thrown as AppError with a user message. */
export async function executeCommand(deps: TicketDeps, cmd: Command, ctx: CommandContext): Promise<CommandReply> {
  const { actor, lang } = ctx;
  const say = (text: LocalizedText, ticket?: Ticket): CommandReply => ({ text: render(lang, text), ticket });
  switch (cmd.verb) {
    case 'help':
      return { text: usageText(lang, usageFor()) };
    case 'new': {
      const inbound = ctx.inbound;
      if (!inbound) throw AppError.user('INVALID_INPUT', 'error.invalidInput', { details: 'new' });
      const { ticket } = await intakeMessage(deps, { ...inbound, text: cmd.text });
      return say({ key: 'reply.created', params: { number: ticket.number, title: ticket.title } }, ticket);
    }
    case 'status': {
      const ticket = await getTicket(deps, targetOf(cmd, ctx));
      if (actor.role === 'customer' && ticket.customerId !== actor.customerId)
        throw AppError.user('TICKET_NOT_FOUND', 'error.ticketNotFound', { number: ticket.number });
      return { text: describeTicket(ticket, lang, deps), ticket };
    }
    case 'list': {
      requireStaff(actor);
      const { tickets, total } = await listTicketsWithTotal(deps, cmd.scope, actor, LIST_LIMIT);
      if (!tickets.length) return { text: t(lang, 'reply.listEmpty'), tickets };
      const lines = tickets.map(
        (x) => `${x.number} [${x.priority}] ${t(lang, `status.${x.status}`)} · ${x.assigneeId ?? t(lang, 'reply.nobody')} · ${x.title}`,
      );
      return { text: [t(lang, 'reply.listHeader', { count: total }), ...lines, ...more(lang, tickets.length, total)].join('\n'), tickets };
    }
    case 'duty': {
      requireStaff(actor);
      const agent = actor.agentId ? await deps.directory.findAgent(actor.agentId) : null;
      if (!agent) throw AppError.user('NOT_PERMITTED', 'error.notAgent');
      await deps.directory.setOnDuty(agent.id, cmd.on);
      await deps.onDutyChange?.(agent.id, cmd.on);
      return { text: t(lang, cmd.on ? 'reply.dutyOn' : 'reply.dutyOff', { who: agent.name }) };
    }
    case 'sla': {
      requireStaff(actor);
      const report = await slaReport(deps);
      const rows = [...report.breached, ...report.atRisk];
      if (!rows.length) return { text: t(lang, 'reply.slaNone'), tickets: [] };
      const lines = rows
        .slice(0, LIST_LIMIT)
        .map(
          (r) =>
            `${r.ticket.number} [${r.ticket.priority}] ${t(lang, r.state === 'breached' ? 'sla.breached' : 'sla.atRisk')} · ` +
            `${t(lang, CLOCK_LABEL[r.clock])} ${formatLocalTime(r.dueAt, displayZone(deps.config, r.ticket.teamId))} · ` +
            `${r.ticket.assigneeId ?? t(lang, 'reply.nobody')} · ${r.ticket.title}`,
        );
      const header = t(lang, 'reply.slaHeader', { breached: report.breached.length, atRisk: report.atRisk.length });
      return { text: [header, ...lines, ...more(lang, lines.length, rows.length)].join('\n'), tickets: rows.map((r) => r.ticket) };
    }
    case 'stats': {
      requireStaff(actor);
      return { text: renderDailyStats(await dailyStats(deps), lang) };
    }
    case 'claim': {
      const ticket = await act.claimTicket(deps, targetOf(cmd, ctx), actor);
      return say({ key: 'reply.claimed', params: { number: ticket.number } }, ticket);
    }
    case 'assign': {
      const id = targetOf(cmd, ctx);
      const agent = await resolveMention(deps, cmd.assignee, actor);
      const ticket = await act.assignTicket(deps, id, actor, agent.id);
      return say({ key: 'reply.assigned', params: { number: ticket.number, assignee: agent.name } }, ticket);
    }
    case 'transfer': {
      const ticket = await act.transferTicket(deps, targetOf(cmd, ctx), actor, cmd.team, cmd.note);
      const team = deps.config.teams.find((x) => x.id === cmd.team);
      return say({ key: 'reply.transferred', params: { number: ticket.number, team: team?.name[lang] ?? cmd.team } }, ticket);
    }
    case 'note': {
      requireStaff(actor);
      const { ticket } = await addNote(deps, targetOf(cmd, ctx), actor, cmd.text);
      return say({ key: 'reply.noted', params: { number: ticket.number } }, ticket);
    }
    case 'pending': {
      const ticket = await act.markPending(deps, targetOf(cmd, ctx), actor);
      return say({ key: 'reply.pending', params: { number: ticket.number } }, ticket);
    }
    case 'resolve': {
      const ticket = await act.resolveTicket(deps, targetOf(cmd, ctx), actor);
      return say({ key: 'reply.resolved', params: { number: ticket.number } }, ticket);
    }
    case 'close': {
      const ticket = await act.closeTicket(deps, targetOf(cmd, ctx), actor, cmd.reason);
      return say({ key: 'reply.closed', params: { number: ticket.number } }, ticket);
    }
    case 'reopen': {
      const ticket = await act.reopenTicket(deps, targetOf(cmd, ctx), actor);
      return say({ key: 'reply.reopened', params: { number: ticket.number, count: ticket.reboundCount } }, ticket);
    }
  }
}

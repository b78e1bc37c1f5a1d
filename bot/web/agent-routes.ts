import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type CommandReply, executeCommand, usageText } from '../../core/commands/execute-command.js';
import { parseCommand } from '../../core/commands/grammar.js';
import { listTicketsWithTotal } from '../../core/commands/list-tickets.js';
import { AppError, httpStatusOf, toAppError } from '../../core/errors.js';
import { langFromHeader, render } from '../../core/i18n/translate.js';
import { type SlaRow, slaReport } from '../../core/sla/sla-report.js';
import { addNote } from '../../core/tickets/add-note.js';
import { addReply } from '../../core/tickets/add-reply.js';
import { getTicket } from '../../core/tickets/apply-event.js';
import type { TicketDeps } from '../../core/tickets/deps.js';
import { suggestReply } from '../../core/tickets/suggest-reply.js';
import * as act from '../../core/tickets/ticket-actions.js';
import { parseTicketNumber } from '../../core/tickets/ticket-number.js';
import { type Actor, ZPriority } from '../../core/tickets/types.js';
import type { KnowledgeBase } from '../../knowledge/kb/knowledge-base.js';
import { requireBearer } from './bearer.js';
import { deliveryReused, webDeliveryId } from './delivery-id.js';
import { webString } from './input.js';
import { agentView } from './views.js';

const ZTicketParams = z.object({ number: webString().max(40) });
const ZListQuery = z.object({
  scope: z.enum(['open', 'mine', 'team', 'breaching']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const empty = z.object({}).optional();
/** A note or reply; `messageId` (optional) makes a retried request add it once. */
const text = z.object({ text: webString().trim().min(1).max(20_000), messageId: webString().trim().min(1).max(100).optional() });
/** Scoped to the agent, the ticket and the kind (note or reply), as customers' ids are to the customer. */
const agentMessageId = (actor: Actor, ticketId: number, kind: 'note' | 'reply', messageId: string | undefined) =>
  messageId ? webDeliveryId(`agent:${actor.agentId ?? ''}:${ticketId}:${kind}`, messageId) : undefined;

/** A retried note or reply must repeat its text: another text under the same messageId is a conflict. */
function sameText(message: { body: string }, text: string, messageId: string | undefined): void {
  if (messageId && message.body !== text) throw deliveryReused(messageId);
}

/**
 * The id of a `new` command's first message. Every agent calls with the one bearer token, so a caller's
 * messageId is scoped to the agent, as notes' and replies' are: another agent's equal id is another
 * ticket. Commands sent before ids were scoped (2026-12) were stored under the raw messageId: a retry
 * of one of those now files a second ticket.
 */
const commandMessageId = (actor: Actor, messageId: string) => webDeliveryId(`agent:${actor.agentId ?? ''}:command`, messageId);

/** A retried `new` must repeat its text: it gets its ticket back, while another text under its messageId is a conflict. */
async function sameCommand(deps: TicketDeps, platformMessageId: string, text: string, messageId: string): Promise<void> {
  const first = await deps.tickets.findMessage('api', platformMessageId);
  if (first?.body !== text.trim()) throw deliveryReused(messageId);
}

/** Agent actions on one ticket: body schema and what to do. */
type Run<B> = (deps: TicketDeps, id: number, actor: Actor, body: B) => Promise<unknown>;
const action = <S extends z.ZodType>(body: S, run: Run<z.infer<S>>) => ({ body, run: run as Run<unknown> });

const ACTIONS = {
  claim: action(empty, (d, id, a) => act.claimTicket(d, id, a)),
  assign: action(z.object({ agent: webString().min(1) }), (d, id, a, b) => act.assignTicket(d, id, a, b.agent)),
  transfer: action(z.object({ team: webString().min(1), note: webString().max(2000).optional() }), (d, id, a, b) =>
    act.transferTicket(d, id, a, b.team, b.note),
  ),
  pending: action(empty, (d, id, a) => act.markPending(d, id, a)),
  resolve: action(z.object({ note: webString().max(2000).optional() }).optional(), (d, id, a, b) => act.resolveTicket(d, id, a, b?.note)),
  close: action(z.object({ reason: webString().max(2000).optional() }).optional(), (d, id, a, b) => act.closeTicket(d, id, a, b?.reason)),
  reopen: action(z.object({ reason: webString().max(2000).optional() }).optional(), (d, id, a, b) => act.reopenTicket(d, id, a, b?.reason)),
  category: action(z.object({ category: webString().min(1) }), (d, id, a, b) => act.setCategory(d, id, a, b.category)),
  priority: action(z.object({ priority: ZPriority }), (d, id, a, b) => act.setPriority(d, id, a, b.priority)),
  merge: action(z.object({ into: webString().min(1) }), (d, id, a, b) => act.mergeTicket(d, id, a, ticketId(b.into))),
  note: action(text, async (d, id, a, b) => {
    const { ticket, message } = await addNote(d, id, a, b.text, agentMessageId(a, id, 'note', b.messageId));
    sameText(message, b.text, b.messageId);
    return ticket;
  }),
  reply: action(text, async (d, id, a, b) => {
    const platformMessageId = agentMessageId(a, id, 'reply', b.messageId);
    const { ticket, message } = await addReply(d, id, a, { body: b.text, ...(platformMessageId ? { platformMessageId } : {}) });
    sameText(message, b.text, b.messageId);
    return ticket;
  }),
};

function ticketId(number: string): number {
  const id = parseTicketNumber(number);
  if (id === null) throw AppError.user('TICKET_NOT_FOUND', 'error.ticketNotFound', { number });
  return id;
}

/**
 * The agent API: bearer token (TICKETBOT_API_TOKEN) for the caller, `X-Agent-Id` for the agent acting.
 * Without a configured token the API is off.
 */
export function agentRoutes(app: FastifyInstance, deps: TicketDeps, apiToken: string | undefined, kb: KnowledgeBase): void {
  async function actorOf(request: FastifyRequest, reply: FastifyReply): Promise<Actor> {
    if (!apiToken) throw new AppError('NOT_PERMITTED', { message: 'agent API disabled: set TICKETBOT_API_TOKEN', userMessage: { key: 'error.apiDisabled' } });
    requireBearer(request, reply, apiToken);
    const agentId = String(request.headers['x-agent-id'] ?? '');
    const agent = agentId ? await deps.directory.findAgent(agentId) : null;
    if (!agent?.active) throw AppError.user('UNKNOWN_AGENT', 'error.unknownAgent', { who: agentId || '(X-Agent-Id)' });
    return { role: agent.role, agentId: agent.id, name: agent.name, platform: 'api' };
  }

  app.get('/api/agent/tickets', async (request, reply) => {
    const actor = await actorOf(request, reply);
    const { scope, limit, offset } = ZListQuery.parse(request.query);
    const { tickets, total } = await listTicketsWithTotal(deps, scope, actor, limit, offset);
    // Pages by offset, in the list's order (most urgent, then oldest): `nextOffset` while more remain.
    const next = offset + tickets.length;
    return { tickets: tickets.map((t) => agentView(t)), total, ...(next < total && tickets.length ? { nextOffset: next } : {}) };
  });

  app.get('/api/agent/tickets/:number', async (request, reply) => {
    await actorOf(request, reply);
    const id = ticketId(ZTicketParams.parse(request.params).number);
    const ticket = await getTicket(deps, id);
    const [messages, events] = await Promise.all([deps.tickets.listMessages(id, { includeInternal: true }), deps.tickets.listEvents(id)]);
    return { ticket: agentView(ticket, messages, events) };
  });

  app.post('/api/agent/tickets/:number/:action', async (request, reply) => {
    const actor = await actorOf(request, reply);
    const { number, action } = z.object({ number: webString(), action: z.enum(Object.keys(ACTIONS) as [keyof typeof ACTIONS]) }).parse(request.params);
    const spec = ACTIONS[action];
    const body = spec.body.parse(request.body ?? undefined);
    await spec.run(deps, ticketId(number), actor, body);
    return reply.send({ ticket: agentView(await getTicket(deps, ticketId(number))) });
  });

  /** The "Suggest reply" button: an LLM draft citing KB passages, or the best FAQ answers. */
  app.get('/api/agent/tickets/:number/suggestion', async (request, reply) => {
    const actor = await actorOf(request, reply);
    return { suggestion: await suggestReply(deps, ticketId(ZTicketParams.parse(request.params).number), actor) };
  });

  /** Tickets at risk (past the warning share) and breached, by deadline. */
  app.get('/api/agent/sla', async (request, reply) => {
    await actorOf(request, reply);
    const { team } = z.object({ team: webString().min(1).optional() }).parse(request.query);
    const report = await slaReport(deps, { teamId: team });
    const row = (r: SlaRow) => ({ clock: r.clock, dueAt: r.dueAt.toISOString(), ticket: agentView(r.ticket) });
    return { breached: report.breached.map(row), atRisk: report.atRisk.map(row) };
  });

  app.get('/api/agent/kb/search', async (request, reply) => {
    await actorOf(request, reply);
    const { q, k } = z.object({ q: webString().trim().min(1).max(2000), k: z.coerce.number().int().min(1).max(20).default(5) }).parse(request.query);
    const hits = await kb.search(q, k);
    return { hits: hits.map((h) => ({ id: h.id, score: h.score, title: h.document.title, answer: h.document.answer, source: h.document.source })) };
  });

  /** The shared command grammar over HTTP: `{ "text": "认领 T-000001" }`. */
  app.post('/api/agent/commands', async (request, reply) => {
    const actor = await actorOf(request, reply);
    const body = z
      .object({ text: webString().trim().min(1).max(20_000), ticket: webString().optional(), messageId: webString().trim().min(1).max(200).optional() })
      .parse(request.body);
    const parsed = parseCommand(body.text, langFromHeader(request.headers['accept-language']));
    if (!parsed.ok) {
      // A bad use of a known verb already names its usage; only an unknown verb gets the whole list.
      const usage = parsed.problem.key === 'usage.bad' ? '' : `\n${usageText(parsed.lang, parsed.usage)}`;
      return reply.status(400).send({ error: { code: 'INVALID_COMMAND', message: render(parsed.lang, parsed.problem) + usage } });
    }
    // `messageId` makes `new` idempotent for callers that retry. Random ids ('api:…') and scoped ones
    // ('agent%3A…' or '#h:…') never meet.
    const platformMessageId = body.messageId ? commandMessageId(actor, body.messageId) : `api:${randomUUID()}`;
    let result: CommandReply;
    try {
      result = await executeCommand(deps, parsed.command, {
        actor,
        lang: parsed.lang,
        ticketId: body.ticket ? ticketId(body.ticket) : undefined,
        inbound: { platform: 'api', platformMessageId, author: { platformUserId: actor.agentId ?? 'api' }, channel: 'api' },
      });
      // Checked after the command: a concurrent first delivery with another text may have won the id.
      if (body.messageId && parsed.command.verb === 'new') await sameCommand(deps, platformMessageId, parsed.command.text, body.messageId);
    } catch (error) {
      // Refusals answer in the language of the command typed, like its success replies.
      const e = toAppError(error);
      if (httpStatusOf[e.code] >= 500) throw e;
      return reply.status(httpStatusOf[e.code]).send({ error: { code: e.code, message: render(parsed.lang, e.userMessage), ref: e.ref } });
    }
    return reply.send({
      text: result.text,
      ...(result.ticket ? { ticket: agentView(result.ticket) } : {}),
      ...(result.tickets ? { tickets: result.tickets.map((t) => agentView(t)) } : {}),
    });
  });
}

import { AppError } from '../../core/errors.js';
import type { AutoAnswerDecision, AutoAnswerInput, AutoAnswerResult, KnowledgeStore } from '../../core/ports.js';

export type { AutoAnswerInput, AutoAnswerResult } from '../../core/ports.js';

import type { TicketDeps } from '../../core/tickets/deps.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import type { Platform, Ticket } from '../../core/tickets/types.js';
import type { KnowledgeBase } from './knowledge-base.js';

type Deps = { kb: KnowledgeBase; knowledge: KnowledgeStore; tickets: TicketDeps };
type Logged = AutoAnswerDecision & { id: number; feedback: string | null };

/**
 * Answers a customer's question from the knowledge base only when retrieval is confident (top score ≥
 * the configured threshold); otherwise opens a ticket at once. Every decision is logged with the top
 * candidates and scores, for evaluation. One decision per platform message: a redelivery gets the first
 * one back (`repeated`), with nothing logged or opened again (unless the entry answered with is gone,
 * see {@link repeat}). `fileIt` files the question the adapter's way; by default an intake ticket.
 */
export async function autoAnswer(deps: Deps, input: AutoAnswerInput, fileIt?: () => Promise<Ticket>): Promise<AutoAnswerResult> {
  const open = fileIt ?? (() => openTicket(deps.tickets, input));
  const earlier = await deps.knowledge.findAutoAnswerByMessage(input.platform, input.messageId);
  if (earlier) return repeat(deps, earlier, input, fileIt);
  const { threshold, enabled } = deps.tickets.config.autoAnswer;
  // A failing search (e.g. the embeddings endpoint is down) must not drop the question: open a ticket.
  const hits = enabled ? await deps.kb.search(input.question, 5).catch(() => []) : [];
  const top = hits[0];
  const answered = top !== undefined && top.score >= threshold && top.document.answer.trim() !== '';
  const ticket = answered ? null : await open();
  let logId: number;
  try {
    logId = await deps.knowledge.logAutoAnswer({
      question: input.question,
      platform: input.platform,
      customerRef: input.customerId,
      candidates: hits.map((h) => ({ entryId: h.document.entryId, source: h.document.source, score: Number(h.score.toFixed(4)) })),
      topScore: top?.score ?? 0,
      threshold,
      answered,
      answerEntryId: answered ? top.document.entryId : null,
      ticketId: ticket?.id ?? null,
      messageId: input.messageId,
    });
  } catch (error) {
    // The same message decided at the same moment by another delivery: that decision stands.
    const raced = await deps.knowledge.findAutoAnswerByMessage(input.platform, input.messageId);
    if (raced) return repeat(deps, raced, input, fileIt);
    throw error;
  }
  if (ticket) return { answered: false, logId, repeated: false, ticket };
  if (!top) throw new AppError('INTERNAL', { message: 'answered without a hit' });
  return {
    answered: true,
    logId,
    repeated: false,
    answer: { id: top.id, title: top.document.title, answer: top.document.answer, source: top.document.source, score: top.score },
  };
}

/**
 * The decision taken on this message before, as a result. An answer is given again from the entry it
 * came from, by its full key (source and entry id; the top candidate is the one answered with), not by
 * searching again: a search can fail (the embeddings endpoint down) or rank otherwise, and entry ids
 * repeat across files. When that entry is gone since, there is nothing to give again: a ticket is
 * opened (with the question first asked), so that a person answers.
 */
async function repeat(deps: Deps, log: Logged, input: AutoAnswerInput, fileIt: (() => Promise<Ticket>) | undefined): Promise<AutoAnswerResult> {
  if (!log.answered) {
    const ticket = log.ticketId === null ? null : await deps.tickets.tickets.findTicket(log.ticketId);
    return { answered: false, logId: log.id, repeated: true, ticket: ticket ?? (await openTicket(deps.tickets, input)) };
  }
  const top = log.candidates[0];
  const entry = top && top.entryId === log.answerEntryId ? deps.kb.entry(top.source, top.entryId) : undefined;
  if (entry && entry.document.answer.trim() !== '') {
    const { document } = entry;
    return {
      answered: true,
      logId: log.id,
      repeated: true,
      answer: { id: entry.id, title: document.title, answer: document.answer, source: document.source, score: log.topScore },
    };
  }
  const ticket = await (fileIt ?? (() => openTicket(deps.tickets, { ...input, question: log.question })))();
  return { answered: false, logId: log.id, repeated: true, ticket };
}

function openTicket(deps: TicketDeps, input: AutoAnswerInput): Promise<Ticket> {
  return intakeMessage(deps, {
    platform: input.platform,
    platformMessageId: input.messageId,
    author: { platformUserId: input.customerId, ...(input.customerName ? { name: input.customerName } : {}) },
    text: input.question,
    channel: input.platform,
  }).then((r) => r.ticket);
}

/**
 * The customer's verdict on an auto-answer. "Did not help" opens a ticket with the question (once, even
 * if the feedback is sent twice); the verdict is logged for evaluation.
 */
export async function answerFeedback(
  deps: { knowledge: KnowledgeStore; tickets: TicketDeps },
  input: { logId: number; helpful: boolean; customerId: string; platform: Platform },
  open?: (question: string) => Promise<Ticket>,
): Promise<{ ticket: Ticket | null }> {
  const log = await deps.knowledge.findAutoAnswer(input.logId);
  // The asker is a platform user id: only the same platform may speak for them.
  if (!log || log.platform !== input.platform || log.customerRef !== input.customerId)
    throw new AppError('INVALID_INPUT', {
      message: `no auto-answer ${input.logId} for this customer`,
      userMessage: { key: 'error.invalidInput', params: { details: String(input.logId) } },
    });
  // A question that was not answered already has its ticket.
  if (log.ticketId !== null) {
    const existing = await deps.tickets.tickets.findTicket(log.ticketId);
    if (existing) return { ticket: existing };
  }
  if (input.helpful) {
    await deps.knowledge.setAutoAnswerFeedback(input.logId, 'helpful', null);
    return { ticket: null };
  }
  // Idempotent by the log id: a second "did not help" finds the same ticket. The '#' keeps the id apart
  // from every id a web sender can make (bot/web/delivery-id.ts).
  const ticket = open
    ? await open(log.question)
    : await openTicket(deps.tickets, {
        question: log.question,
        platform: log.platform,
        customerId: input.customerId,
        messageId: `#auto-answer:${input.logId}`,
      });
  await deps.knowledge.setAutoAnswerFeedback(input.logId, 'not_helpful', ticket.id);
  return { ticket };
}

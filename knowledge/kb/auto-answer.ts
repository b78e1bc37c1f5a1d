import { AppError } from '../../core/errors.js';
import type { AutoAnswerInput, AutoAnswerResult, KnowledgeStore } from '../../core/ports.js';

export type { AutoAnswerInput, AutoAnswerResult } from '../../core/ports.js';

import type { TicketDeps } from '../../core/tickets/deps.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import type { Ticket } from '../../core/tickets/types.js';
import type { KnowledgeBase } from './knowledge-base.js';

/**
 * Answers a customer's question from the knowledge base only when retrieval is confident (top score ≥
 * the configured threshold); otherwise opens a ticket at once. Every decision is logged with the top
 * candidates and scores, for evaluation.
 */
export async function autoAnswer(
  deps: { kb: KnowledgeBase; knowledge: KnowledgeStore; tickets: TicketDeps },
  input: AutoAnswerInput,
  open: () => Promise<Ticket> = () => openTicket(deps.tickets, input),
): Promise<AutoAnswerResult> {
  const { threshold, enabled } = deps.tickets.config.autoAnswer;
  // A failing search (e.g. the embeddings endpoint is down) must not drop the question: open a ticket.
  const hits = enabled ? await deps.kb.search(input.question, 5).catch(() => []) : [];
  const top = hits[0];
  const answered = top !== undefined && top.score >= threshold && top.document.answer.trim() !== '';
  const ticket = answered ? null : await open();
  const logId = await deps.knowledge.logAutoAnswer({
    question: input.question,
    platform: input.platform,
    customerRef: input.customerId,
    candidates: hits.map((h) => ({ entryId: h.document.entryId, source: h.document.source, score: Number(h.score.toFixed(4)) })),
    topScore: top?.score ?? 0,
    threshold,
    answered,
    answerEntryId: answered ? top.document.entryId : null,
    ticketId: ticket?.id ?? null,
  });
  if (ticket) return { answered: false, logId, ticket };
  if (!top) throw new AppError('INTERNAL', { message: 'answered without a hit' });
  return {
    answered: true,
    logId,
    answer: { id: top.id, title: top.document.title, answer: top.document.answer, source: top.document.source, score: top.score },
  };
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
  input: { logId: number; helpful: boolean; customerId: string },
  open?: (question: string) => Promise<Ticket>,
): Promise<{ ticket: Ticket | null }> {
  const log = await deps.knowledge.findAutoAnswer(input.logId);
  if (!log || log.customerRef !== input.customerId)
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
  // Idempotent by the log id: a second "did not help" finds the same ticket.
  const ticket = open
    ? await open(log.question)
    : await openTicket(deps.tickets, { question: log.question, platform: log.platform, customerId: input.customerId, messageId: `auto-answer:${input.logId}` });
  await deps.knowledge.setAutoAnswerFeedback(input.logId, 'not_helpful', ticket.id);
  return { ticket };
}

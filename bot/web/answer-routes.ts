import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { SelfService } from '../../core/ports.js';
import type { TicketDeps } from '../../core/tickets/deps.js';
import { MAX_DB_ID } from '../../core/tickets/ticket-number.js';
import { AnswerTokens } from './answer-token.js';
import { assertSameDelivery, deliveryReused, webDeliveryId } from './delivery-id.js';
import { webString } from './input.js';
import { intakeView } from './views.js';

const ZAsk = z.object({
  messageId: webString().trim().min(1).max(200),
  question: webString().trim().min(1).max(5000),
  customer: z.object({ id: webString().trim().min(1).max(200), name: webString().trim().max(100).optional() }),
});
/** Auto-answer log ids are 32-bit integers in the database: a larger one is bad input, not a server error. */
const ZLogParams = z.object({ id: z.coerce.number().int().positive().max(MAX_DB_ID) });
const ZFeedback = z.object({
  helpful: z.boolean(),
  customer: z.object({ id: webString().trim().min(1).max(200) }),
  /** The `feedbackToken` given with the answer. */
  token: webString().min(1).max(100),
});

/**
 * Self-service answers: `POST /api/answers` answers from the knowledge base when confident (200) or
 * opens a ticket (201); `POST /api/answers/:id/feedback` with `helpful: false` and the answer's
 * `feedbackToken` opens a ticket (201).
 */
export function answerRoutes(app: FastifyInstance, deps: TicketDeps): void {
  const tokens = new AnswerTokens(deps.tickets);
  const answers = (): SelfService => {
    if (!deps.answers) throw new AppError('INTERNAL', { message: 'self-service answers are not wired' });
    return deps.answers;
  };
  app.post('/api/answers', async (request, reply) => {
    const body = ZAsk.parse(request.body);
    const deliveryId = webDeliveryId(body.customer.id, body.messageId);
    const result = await answers().ask({
      question: body.question,
      platform: 'web',
      customerId: body.customer.id,
      customerName: body.customer.name,
      messageId: deliveryId,
    });
    if (result.answered) {
      // A repeat gets the answer, and the feedback token, only for the question first asked under these ids.
      if (result.repeated && (await answers().decisionFor('web', deliveryId))?.question !== body.question) throw deliveryReused(deliveryId);
      return reply.send({ answered: true, autoAnswerId: result.logId, feedbackToken: await tokens.issue(result.logId), answer: result.answer });
    }
    // Also when not repeated: the ticket may be one filed under the same ids through /api/messages.
    await assertSameDelivery(deps, result.ticket.id, deliveryId, body.question, body.customer.id);
    return reply
      .status(201)
      .send({ answered: false, autoAnswerId: result.logId, feedbackToken: await tokens.issue(result.logId), ticket: intakeView(result.ticket) });
  });

  app.post('/api/answers/:id/feedback', async (request, reply) => {
    const { id } = ZLogParams.parse(request.params);
    const body = ZFeedback.parse(request.body);
    if (!(await tokens.verify(id, body.token))) {
      throw new AppError('INVALID_INPUT', {
        message: `feedback on auto-answer ${id} without its token`,
        userMessage: { key: 'error.invalidInput', params: { details: 'token' } },
      });
    }
    const { ticket } = await answers().feedback({ logId: id, helpful: body.helpful, customerId: body.customer.id, platform: 'web' });
    return ticket ? reply.status(201).send({ ticket: intakeView(ticket) }) : reply.send({ ok: true });
  });
}

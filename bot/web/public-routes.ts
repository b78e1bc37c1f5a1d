import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { langFromHeader } from '../../core/i18n/translate.js';
import { getTicket } from '../../core/tickets/apply-event.js';
import type { TicketDeps } from '../../core/tickets/deps.js';
import { ZAttachment } from '../../core/tickets/inbound.js';
import { intakeMessage } from '../../core/tickets/intake-message.js';
import { parseTicketNumber } from '../../core/tickets/ticket-number.js';
import { sameSecret } from './bearer.js';
import { assertSameDelivery, webDeliveryId } from './delivery-id.js';
import { webString } from './input.js';
import { renderHomePage } from './page.js';
import { customerView, intakeView, statusOnlyView } from './views.js';

/** An attachment as core takes it, its strings checked like every web string (a URL may carry a NUL). */
const ZWebAttachment = ZAttachment.extend({
  url: webString().pipe(ZAttachment.shape.url),
  name: webString().max(200).optional(),
  contentType: webString().max(100).optional(),
});

/**
 * Digits in groups separated by spaces or hyphens, an optional leading '+', 5 to 20 characters after it
 * and at least 5 of them digits: "+86 138-1234-5678", "010-12345678"; not "-----".
 */
const PHONE = /^\+?\s?(?=[\d\s-]{5,20}$)(?=(?:\D*\d){5})\d+(?:[\s-]+\d+)*$/;

/** Body of POST /api/messages: intake from a web form, an e-mail gateway or an order system. */
export const ZWebIntake = z.object({
  messageId: webString().trim().min(1).max(200),
  text: webString().trim().min(1).max(20_000),
  customer: z.object({
    id: webString().trim().min(1).max(200),
    name: webString().trim().max(100).optional(),
    phone: webString().trim().regex(PHONE, 'not a phone number').optional(),
    email: z.email().max(200).optional(),
  }),
  orderId: webString().trim().min(1).max(64).optional(),
  channel: z.enum(['web', 'email', 'phone', 'order-system']).default('web'),
  attachments: z.array(ZWebAttachment).max(20).optional(),
});

const ZNumberParam = z.object({ number: webString().max(40) });
const ZKey = webString().max(100).optional();
const ZKeyQuery = z.object({ key: ZKey });
const ZKeyHeader = z.object({ 'x-ticket-key': ZKey });
const ZLangQuery = z.object({ lang: z.enum(['zh', 'en']).optional().catch(undefined) });

export function publicRoutes(app: FastifyInstance, deps: TicketDeps): void {
  app.post('/api/messages', async (request, reply) => {
    const body = ZWebIntake.parse(request.body);
    // Scoped to the sender: someone else reusing a messageId neither collides with nor reads this ticket.
    const deliveryId = webDeliveryId(body.customer.id, body.messageId);
    const { ticket, outcome } = await intakeMessage(deps, {
      platform: 'web',
      platformMessageId: deliveryId,
      author: { platformUserId: body.customer.id, name: body.customer.name, phone: body.customer.phone, email: body.customer.email },
      text: body.text,
      orderIds: body.orderId ? [body.orderId] : [],
      channel: body.channel,
      attachments: body.attachments ?? [],
    });
    if (outcome === 'duplicate') await assertSameDelivery(deps, ticket.id, deliveryId, body.text, body.customer.id);
    return reply.status(outcome === 'created' ? 201 : 200).send({ ticket: intakeView(ticket) });
  });

  /**
   * Ticket numbers are sequential, so the number alone shows only the status; the access key given at
   * intake shows the conversation too. The key is best sent in the `X-Ticket-Key` header (the page does):
   * a query string (`?key=`, still taken) ends up in proxies' and servers' access logs.
   */
  app.get('/api/tickets/:number', async (request, reply) => {
    const { number } = ZNumberParam.parse(request.params);
    // An empty header counts as none. The answer depends on the header, so a shared cache must neither
    // keep it nor serve one customer's answer for the same URL without the key.
    const key = ZKeyHeader.parse(request.headers)['x-ticket-key'] || ZKeyQuery.parse(request.query).key;
    reply.header('cache-control', 'no-store').header('vary', 'X-Ticket-Key, Accept-Language');
    const lang = langFromHeader(request.headers['accept-language']);
    const id = parseTicketNumber(number);
    if (id === null) throw AppError.user('TICKET_NOT_FOUND', 'error.ticketNotFound', { number });
    const ticket = await getTicket(deps, id);
    if (!key || !sameSecret(key, ticket.accessKey)) return { ticket: statusOnlyView(ticket, lang) };
    const messages = await deps.tickets.listMessages(id, { includeInternal: false });
    return { ticket: customerView(ticket, messages, lang) };
  });

  app.get('/', async (request, reply) => {
    const { lang } = ZLangQuery.parse(request.query);
    return reply.type('text/html; charset=utf-8').send(renderHomePage(lang ?? langFromHeader(request.headers['accept-language'])));
  });
}

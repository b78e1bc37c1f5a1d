import type { ChatGateway, OutboundNotification, TicketStore } from '../../core/ports.js';
import { AGENT_REPLY } from '../../core/tickets/notices.js';
import type { Logger } from '../logger.js';

/**
 * The web channel's gateway: a notification becomes a message on its ticket. Staff notifications are
 * internal (agents see them in the agent API, customers never do); customer ones are public and show
 * on the status page. The notification id is the message's platform id, so a redelivery is a no-op.
 */
export class WebGateway implements ChatGateway {
  constructor(private readonly tickets: TicketStore) {}

  async notify(n: OutboundNotification): Promise<void> {
    // A relayed agent reply is on the ticket already (the status page shows it).
    if (!n.ticket || n.kind === AGENT_REPLY) return;
    const customer = n.audience === 'customer';
    await this.tickets.addMessage(n.ticket.id, {
      visibility: customer ? 'public' : 'internal',
      authorKind: customer ? 'bot' : 'system',
      authorId: null,
      authorName: 'ticketbot',
      platform: 'system',
      platformMessageId: `notification:${n.id}`,
      body: n.text,
    });
  }
}

/** Writes every notification to the log (operators see reminders even with no chat platform connected). */
export class LogGateway implements ChatGateway {
  constructor(private readonly logger: Logger) {}

  async notify(n: OutboundNotification): Promise<void> {
    const fields = { notification: n.id, kind: n.kind, audience: n.audience, recipient: n.recipient?.id ?? null, ticket: n.ticket?.number ?? null };
    // A conversation is not logged: a relayed reply is named, not quoted.
    this.logger.info(fields, n.kind === AGENT_REPLY ? 'agent reply relayed' : n.text);
  }
}

/** Sends through several gateways in turn; a failure in any is retried as a whole (each gateway must be idempotent). */
export class FanOutGateway implements ChatGateway {
  constructor(private readonly gateways: ChatGateway[]) {}

  async notify(n: OutboundNotification): Promise<void> {
    for (const gateway of this.gateways) await gateway.notify(n);
  }
}

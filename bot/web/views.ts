import type { Lang } from '../../core/i18n/translate.js';
import { t } from '../../core/i18n/translate.js';
import { maskPii } from '../../core/pii.js';
import { formatTicketNumber } from '../../core/tickets/ticket-number.js';
import type { Ticket, TicketEventRecord, TicketMessage } from '../../core/tickets/types.js';

/** A merged duplicate says where the work goes on (its status is closed); its number alone shows only a status. */
function statusText(ticket: Ticket, lang: Lang): string {
  if (ticket.duplicateOfId !== null) return t(lang, 'status.merged', { number: formatTicketNumber(ticket.duplicateOfId) });
  return t(lang, `status.${ticket.status}`);
}

/** What a customer (or anyone holding the number) may see: public messages only, personal data masked. */
export function customerView(ticket: Ticket, messages: TicketMessage[], lang: Lang) {
  return {
    number: ticket.number,
    title: maskPii(ticket.title),
    status: ticket.status,
    statusText: statusText(ticket, lang),
    priority: ticket.priority,
    category: ticket.category,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
    messages: messages
      .filter((m) => m.visibility === 'public')
      .map((m) => ({ author: m.authorKind === 'customer' ? 'customer' : 'support', body: maskPii(m.body), createdAt: m.createdAt.toISOString() })),
  };
}

/** Lookup without the access key: whether it is moving, nothing about what it says. */
export function statusOnlyView(ticket: Ticket, lang: Lang) {
  return {
    number: ticket.number,
    status: ticket.status,
    statusText: statusText(ticket, lang),
    updatedAt: ticket.updatedAt.toISOString(),
    detailsHidden: true,
  };
}

/** The intake answer: enough for the caller to show the ticket and look it up later (with its access key). */
export function intakeView(ticket: Ticket) {
  return {
    number: ticket.number,
    accessKey: ticket.accessKey,
    status: ticket.status,
    category: ticket.category,
    priority: ticket.priority,
    title: maskPii(ticket.title),
    createdAt: ticket.createdAt.toISOString(),
  };
}

/** Everything staff see: internal notes and the event log included. */
export function agentView(ticket: Ticket, messages?: TicketMessage[], events?: TicketEventRecord[]) {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  // The access key is the customer's; staff views (and chat cards built from them) never carry it.
  const { accessKey: _customerOnly, ...rest } = ticket;
  return {
    ...rest,
    createdAt: iso(ticket.createdAt),
    updatedAt: iso(ticket.updatedAt),
    assignedAt: iso(ticket.assignedAt),
    firstResponseAt: iso(ticket.firstResponseAt),
    awaitingReplySince: iso(ticket.awaitingReplySince),
    pendingSince: iso(ticket.pendingSince),
    resolvedAt: iso(ticket.resolvedAt),
    closedAt: iso(ticket.closedAt),
    ...(messages ? { messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) } : {}),
    ...(events ? { events: events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })) } : {}),
  };
}
